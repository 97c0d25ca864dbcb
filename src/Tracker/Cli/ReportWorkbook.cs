using Tracker.Portfolio;
using Tracker.Reports;
using Tracker.Reports.Rendering;

namespace Tracker.Cli;

/// <summary>
/// <c>report status --format xlsx</c>: the workbook (<see cref="XlsxReport"/>) into the <c>--output</c> file, or as
/// exact bytes to standard output for a redirect. A report no worksheet could hold is refused before the file exists.
/// </summary>
public static class ReportWorkbook
{
    public static async Task<bool> WriteAsync(PortfolioReads portfolio, StatusReportRequest request, DateTimeOffset now, string? file)
    {
        var written = false;
        try
        {
            await portfolio.StreamStatusPassesAsync(request.Filter, request.Clocks, now, async (head, evidence, rows) =>
            {
                if (XlsxReport.TooLarge(head.Total, evidence) is { } tooLarge)
                {
                    CliErrors.Report("report status", [tooLarge]);
                    return;
                }
                // Opened only now, so that a refused report leaves no file behind.
                await using var stream = file is null ? Console.OpenStandardOutput() : File.Create(file);
                await XlsxReport.WriteAsync(stream, head, evidence, rows, CancellationToken.None);
                written = true;
            }, CancellationToken.None);
        }
        catch (Exception e) when (file is not null && e is IOException or UnauthorizedAccessException)
        {
            return CliErrors.Fail($"report status: --output: cannot write {file}: {e.Message}");
        }
        if (written && file is not null) Console.Error.WriteLine($"Wrote {file}.");
        return written;
    }
}
