using Tracker.Http;
using Tracker.Portfolio;
using Tracker.Reports.Rendering;

namespace Tracker.Reports;

/// <summary>
/// The status report as a workbook (<see cref="XlsxReport"/>), streamed from one snapshot: the rows are counted
/// first, so a report that no worksheet could hold is a 400 before a byte of the file is sent, never a broken file.
/// </summary>
public sealed class WorkbookHttpResult(PortfolioReads portfolio, StatusReportRequest request, DateTimeOffset now, string fileName)
    : IResult
{
    public Task ExecuteAsync(HttpContext http) =>
        portfolio.StreamStatusPassesAsync(request.Filter, request.Clocks, now, async (head, evidence, rows) =>
        {
            if (XlsxReport.TooLarge(head.Total, evidence) is { } tooLarge)
            {
                await Problems.Invalid([tooLarge]).ExecuteAsync(http);
                return;
            }
            ReportResponse.Start(http.Response, ReportFormat.Xlsx, fileName);
            await XlsxReport.WriteAsync(http.Response.Body, head, evidence, rows, http.RequestAborted);
        }, http.RequestAborted);
}
