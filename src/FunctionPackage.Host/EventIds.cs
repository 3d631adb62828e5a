using System.Buffers.Binary;

namespace FunctionPackage.Host;

/// <summary>
/// New CloudEvent ids for the events the host creates (response events; the event of a plain request). CloudEvents 1.0
/// requires only that <c>source</c> + <c>id</c> be unique per distinct event: each id is an RFC 9562 version-8 UUID of
/// 60 random bits drawn once per process and a 62-bit counter, so ids never repeat within a process and two processes
/// (replicas sharing a source, or a restart) differ in the random part. <see cref="Guid.NewGuid"/> instead costs a
/// <c>getrandom</c> system call per id — measured ~1.8 µs here, several percent of a binary-mode request.
/// </summary>
internal static class EventIds
{
    private static readonly ulong Prefix = RandomPrefix();
    private static long s_counter;

    public static string Next()
    {
        Span<byte> bytes = stackalloc byte[16];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, Prefix);
        var counter = (ulong)Interlocked.Increment(ref s_counter);
        // RFC 9562 variant (bits 10) in the top of byte 8; the counter in the other 62 bits.
        BinaryPrimitives.WriteUInt64BigEndian(bytes[8..], (counter & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000);
        return new Guid(bytes, bigEndian: true).ToString();
    }

    // The random bits come from one Guid.NewGuid (the OS's getrandom), not RandomNumberGenerator: that needs OpenSSL on
    // Linux, which minimal base images (and the tests' own) do not have — a host that serves plain HTTP must not need it.
    private static ulong RandomPrefix()
    {
        Span<byte> random = stackalloc byte[16];
        Guid.NewGuid().TryWriteBytes(random);
        // A version-4 Guid fixes 6 of its 128 bits (version, variant), none at the same place in both halves: their XOR
        // is 64 random bits. Version 8 (custom) then goes in the high nibble of byte 6: the other 60 bits stay random.
        var bits = BinaryPrimitives.ReadUInt64BigEndian(random) ^ BinaryPrimitives.ReadUInt64BigEndian(random[8..]);
        return (bits & 0xFFFF_FFFF_FFFF_0FFF) | 0x0000_0000_0000_8000;
    }
}
