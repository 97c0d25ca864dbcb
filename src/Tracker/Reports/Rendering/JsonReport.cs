using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;
using Tracker.Portfolio;

namespace Tracker.Reports.Rendering;

/// <summary>
/// Reports as JSON: the report records as the API has always returned them (web defaults: camelCase, enums by their
/// kebab-case names). Indented, and with letters outside ASCII written as themselves rather than \u escapes; both
/// change only the bytes, not the document. Characters that matter inside HTML (&lt; &gt; &amp; ') stay escaped.
/// A page is one document; a whole report (the command line's) is the same document streamed, one row per line.
/// </summary>
public static class JsonReport
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.Create(UnicodeRanges.All),
    };

    private static readonly JsonSerializerOptions Compact = new(Options) { WriteIndented = false };

    public static string Status(StatusReport report) => JsonSerializer.Serialize(report, Options) + "\n";

    public static string Changes(ChangesReport report) => JsonSerializer.Serialize(report, Options) + "\n";

    public static readonly ReportLayout<StatusReportHead, StatusReportRow> StatusLayout = new(
        head => Opening(new
        {
            head.AsOf, head.KnownAt, head.GeneratedAt, head.Filter, head.TotalsByStage, head.Total, Page = 1, PageSize = head.Total,
        }, "rows"),
        (row, n) => (n > 1 ? ",\n" : "\n") + JsonSerializer.Serialize(row, Compact),
        _ => "\n]}\n");

    public static readonly ReportLayout<ChangesReportHead, ChangeRow> ChangesLayout = new(
        head => Opening(new
        {
            head.From, head.To, head.KnownAt, head.GeneratedAt, head.Total, Page = 1, PageSize = head.Total,
        }, "changes"),
        (row, n) => (n > 1 ? ",\n" : "\n") + JsonSerializer.Serialize(row, Compact),
        _ => "\n]}\n");

    /// <summary>The head's members, then the opening of the list the rows follow in.</summary>
    private static string Opening(object head, string list)
    {
        var members = JsonSerializer.Serialize(head, Compact);
        return members[..^1] + $",\"{list}\":[";
    }
}
