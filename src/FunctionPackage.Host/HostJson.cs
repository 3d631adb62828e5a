using System.Text.Encodings.Web;
using System.Text.Json;

namespace FunctionPackage.Host;

internal static class HostJson
{
    /// <summary>
    /// For JSON people read (problem details, invoke's result on a terminal): only what JSON itself requires is escaped,
    /// so <c>'</c>, <c>"</c>, <c>&lt;</c> and non-ASCII text stay legible. Function results over HTTP keep the serializer's
    /// default (HTML-safe) encoder: they are data for programs, and stay byte-identical across modes.
    /// </summary>
    public static readonly JsonWriterOptions HumanReadable = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}
