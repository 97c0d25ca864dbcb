using Tracker.Portfolio;

namespace Tracker.Reports.Rendering;

/// <summary>
/// The formats a report renders to. The wire names are <c>json</c>, <c>md</c>, <c>csv</c>, <c>html</c> and
/// <c>xlsx</c>; the workbook is the status report's only (<see cref="ReportFormats.OfChanges"/>).
/// </summary>
public enum ReportFormat
{
    Json,
    Markdown,
    Csv,
    Html,
    Xlsx,
}

public static class ReportFormats
{
    private static readonly IReadOnlyDictionary<string, ReportFormat> ByName =
        new Dictionary<string, ReportFormat>(StringComparer.OrdinalIgnoreCase)
        {
            ["json"] = ReportFormat.Json,
            ["md"] = ReportFormat.Markdown,
            ["csv"] = ReportFormat.Csv,
            ["html"] = ReportFormat.Html,
            ["xlsx"] = ReportFormat.Xlsx,
        };

    public static IReadOnlyList<string> Names { get; } = ["json", "md", "csv", "html", "xlsx"];

    /// <summary>The status report's formats: every one.</summary>
    public static IReadOnlyList<ReportFormat> OfStatus { get; } = Enum.GetValues<ReportFormat>();

    /// <summary>
    /// The changes report's: the text formats. A workbook's sheets are the status, its evidence and its totals; the
    /// transitions are one table, which CSV already opens in a spreadsheet.
    /// </summary>
    public static IReadOnlyList<ReportFormat> OfChanges { get; } =
        [ReportFormat.Json, ReportFormat.Markdown, ReportFormat.Csv, ReportFormat.Html];

    /// <summary>The formats the report of this type renders to (<see cref="StatusReport"/> or <see cref="ChangesReport"/>).</summary>
    public static IReadOnlyList<ReportFormat> Of(Type report) => report == typeof(StatusReport) ? OfStatus : OfChanges;

    /// <summary>
    /// Parses a format name (case-insensitive). Blank text is the given default, so callers decide what "no format"
    /// means (JSON for the API, Markdown for a person at a terminal). On failure, <paramref name="reason"/> says why.
    /// </summary>
    public static bool TryParse(string? text, ReportFormat whenBlank, out ReportFormat format, out string? reason)
    {
        reason = null;
        format = whenBlank;
        if (string.IsNullOrWhiteSpace(text)) return true;
        if (ByName.TryGetValue(text.Trim(), out format)) return true;
        reason = $"'{text}' is not a report format; one of: {string.Join(", ", Names)}";
        return false;
    }

    public static string Name(this ReportFormat format) => format switch
    {
        ReportFormat.Json => "json",
        ReportFormat.Markdown => "md",
        ReportFormat.Csv => "csv",
        ReportFormat.Html => "html",
        ReportFormat.Xlsx => "xlsx",
        _ => throw new ArgumentOutOfRangeException(nameof(format)),
    };

    public const string XlsxContentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    public static string ContentType(this ReportFormat format) => format switch
    {
        ReportFormat.Json => "application/json; charset=utf-8",
        ReportFormat.Markdown => "text/markdown; charset=utf-8",
        ReportFormat.Csv => "text/csv; charset=utf-8",
        ReportFormat.Html => "text/html; charset=utf-8",
        ReportFormat.Xlsx => XlsxContentType,
        _ => throw new ArgumentOutOfRangeException(nameof(format)),
    };

    /// <summary>Whether the format is a file to save (an attachment) rather than a page to show in place.</summary>
    public static bool IsDownload(this ReportFormat format) => format is ReportFormat.Csv or ReportFormat.Xlsx;
}
