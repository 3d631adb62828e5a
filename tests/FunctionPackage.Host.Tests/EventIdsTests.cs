using Xunit;

namespace FunctionPackage.Host.Tests;

public class EventIdsTests
{
    [Fact]
    public void Ids_are_distinct_version_8_uuids_sharing_the_process_prefix()
    {
        var ids = Enumerable.Range(0, 1000).Select(_ => EventIds.Next()).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
        foreach (var id in ids)
        {
            Assert.True(Guid.TryParse(id, out var uuid), $"'{id}' is not a UUID");
            Assert.Equal(8, uuid.Version);
            Assert.Equal(0x8, uuid.Variant & 0xC); // RFC 9562 variant: bits 10
        }
        // The random part is drawn once per process; the counter part (the last 15 hex digits) is what changes.
        Assert.All(ids, id => Assert.Equal(ids[0][..19], id[..19]));
        Assert.NotEqual(ids[0][20..], ids[1][20..]);
    }
}
