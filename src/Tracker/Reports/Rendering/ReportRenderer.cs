using Tracker.Portfolio;
namespace Tracker.Reports.Rendering;

/// <summary>Renders a report in a format; the one place that maps formats to layouts and names the files.</summary>
public static class ReportRenderer
{
    public static RenderedReport Render(StatusReport report, ReportFormat format) => new(
        format == ReportFormat.Json ? JsonReport.Status(report) : Layout(format, report.Head).Write(report.Head, report.Rows),
        format, FileName(report.Head, format));

    public static RenderedReport Render(ChangesReport report, ReportFormat format) => new(
        format == ReportFormat.Json ? JsonReport.Changes(report) : Layout(format).Write(report.Head, report.Changes),
        format, FileName(report.Head, format));

    public static ReportLayout<StatusReportHead, StatusReportRow> Layout(ReportFormat format, StatusReportHead head) => format switch
    {
        ReportFormat.Json => JsonReport.StatusLayout,
        ReportFormat.Markdown => MarkdownReport.StatusLayout,
        ReportFormat.Csv => CsvReport.StatusLayout(head),
        ReportFormat.Html => HtmlReport.StatusLayout,
        _ => throw new ArgumentOutOfRangeException(nameof(format)),
    };

    public static ReportLayout<ChangesReportHead, ChangeRow> Layout(ReportFormat format) => format switch
    {
        ReportFormat.Json => JsonReport.ChangesLayout,
        ReportFormat.Markdown => MarkdownReport.ChangesLayout,
        ReportFormat.Csv => CsvReport.ChangesLayout,
        ReportFormat.Html => HtmlReport.ChangesLayout,
        _ => throw new ArgumentOutOfRangeException(nameof(format)),
    };

    public static string FileName(StatusReportHead head, ReportFormat format) =>
        $"status-as-of-{(head.AsOf is { } d ? ReportText.Date(d) : "latest")}.{format.Name()}";

    public static string FileName(ChangesReportHead head, ReportFormat format) =>
        $"changes-{ReportText.Date(head.From)}-to-{ReportText.Date(head.To)}.{format.Name()}";
}
