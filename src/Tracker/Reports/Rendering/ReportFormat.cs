namespace Tracker.Reports.Rendering;

/// <summary>The formats a report renders to. The wire names are <c>json</c>, <c>md</c>, <c>csv</c> and <c>html</c>.</summary>
public enum ReportFormat
{
    Json,
    Markdown,
    Csv,
    Html,
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
        };

    public static IReadOnlyList<string> Names { get; } = ["json", "md", "csv", "html"];

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
        _ => throw new ArgumentOutOfRangeException(nameof(format)),
    };

    public static string ContentType(this ReportFormat format) => format switch
    {
        ReportFormat.Json => "application/json; charset=utf-8",
        ReportFormat.Markdown => "text/markdown; charset=utf-8",
        ReportFormat.Csv => "text/csv; charset=utf-8",
        ReportFormat.Html => "text/html; charset=utf-8",
        _ => throw new ArgumentOutOfRangeException(nameof(format)),
    };
}
