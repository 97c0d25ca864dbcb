using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;

namespace Tracker.Reports.Rendering;

/// <summary>
/// Reports as JSON: the report records as the API has always returned them (web defaults: camelCase, enums by their
/// kebab-case names). Indented, and with letters outside ASCII written as themselves rather than \u escapes; both
/// change only the bytes, not the document. Characters that matter inside HTML (&lt; &gt; &amp; ') stay escaped.
/// </summary>
public static class JsonReport
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.Create(UnicodeRanges.All),
    };

    public static string Status(StatusReport report) => JsonSerializer.Serialize(report, Options) + "\n";

    public static string Changes(ChangesReport report) => JsonSerializer.Serialize(report, Options) + "\n";
}
