namespace Tracker.Reports.Rendering;

/// <summary>Renders a report in a format; the one place that maps formats to renderers and names the files.</summary>
public static class ReportRenderer
{
    public static RenderedReport Render(StatusReport report, ReportFormat format)
    {
        var text = format switch
        {
            ReportFormat.Json => JsonReport.Status(report),
            ReportFormat.Markdown => MarkdownReport.Status(report),
            ReportFormat.Csv => CsvReport.Status(report),
            ReportFormat.Html => HtmlReport.Status(report),
            _ => throw new ArgumentOutOfRangeException(nameof(format)),
        };
        var asOf = report.AsOf is { } d ? ReportText.Date(d) : "latest";
        return new RenderedReport(text, format, $"status-as-of-{asOf}.{format.Name()}");
    }

    public static RenderedReport Render(ChangesReport report, ReportFormat format)
    {
        var text = format switch
        {
            ReportFormat.Json => JsonReport.Changes(report),
            ReportFormat.Markdown => MarkdownReport.Changes(report),
            ReportFormat.Csv => CsvReport.Changes(report),
            ReportFormat.Html => HtmlReport.Changes(report),
            _ => throw new ArgumentOutOfRangeException(nameof(format)),
        };
        return new RenderedReport(text, format,
            $"changes-{ReportText.Date(report.From)}-to-{ReportText.Date(report.To)}.{format.Name()}");
    }
}
