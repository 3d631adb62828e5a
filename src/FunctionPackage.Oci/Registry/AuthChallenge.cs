using System.Net.Http.Headers;

namespace FunctionPackage.Oci.Registry;

/// <summary>A parsed <c>WWW-Authenticate</c> challenge: <c>Basic realm="…"</c> or <c>Bearer realm="…",service="…",scope="…"</c>.</summary>
public sealed record AuthChallenge(string Scheme, IReadOnlyDictionary<string, string> Parameters)
{
    public string? Realm => Parameters.GetValueOrDefault("realm");
    public string? Service => Parameters.GetValueOrDefault("service");
    public string? Scope => Parameters.GetValueOrDefault("scope");

    public bool IsBearer => Scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase);
    public bool IsBasic => Scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase);

    /// <summary>The first Bearer challenge, else the first Basic one, else null.</summary>
    public static AuthChallenge? From(HttpResponseHeaders headers)
    {
        var all = headers.WwwAuthenticate.Select(h => new AuthChallenge(h.Scheme, ParseParameters(h.Parameter ?? ""))).ToList();
        return all.FirstOrDefault(c => c.IsBearer) ?? all.FirstOrDefault(c => c.IsBasic);
    }

    /// <summary><c>key="value",key2=value2</c>; quoted values may hold commas (a scope list) and escaped quotes.</summary>
    internal static IReadOnlyDictionary<string, string> ParseParameters(string text)
    {
        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var i = 0;
        while (i < text.Length)
        {
            while (i < text.Length && (text[i] == ',' || char.IsWhiteSpace(text[i]))) i++;
            var eq = text.IndexOf('=', i);
            if (eq < 0) break;
            var key = text[i..eq].Trim();
            i = eq + 1;
            var value = new System.Text.StringBuilder();
            if (i < text.Length && text[i] == '"')
            {
                for (i++; i < text.Length && text[i] != '"'; i++)
                {
                    if (text[i] == '\\' && i + 1 < text.Length) i++;
                    value.Append(text[i]);
                }
                i++;
            }
            else
            {
                for (; i < text.Length && text[i] != ','; i++) value.Append(text[i]);
            }
            result[key] = value.ToString().Trim();
        }
        return result;
    }
}
