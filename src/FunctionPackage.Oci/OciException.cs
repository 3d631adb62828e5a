namespace FunctionPackage.Oci;

/// <summary>A coded failure of the OCI builder or registry client (FPKG6000–6099); the message names the fix.</summary>
public sealed class OciException : Exception
{
    public OciException(string code, string message, Exception? inner = null)
        : base($"{code}: {message}", inner)
    {
        Code = code;
    }

    /// <summary>The diagnostic code, e.g. <c>FPKG6003</c>; callers and tests branch on it, never on the text.</summary>
    public string Code { get; }
}
