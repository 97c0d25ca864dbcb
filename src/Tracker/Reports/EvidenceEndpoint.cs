using Tracker.Http;
using Tracker.Kernel;
using Tracker.Portfolio;
using Tracker.Reports.Rendering;
using Wolverine.Http;

namespace Tracker.Reports;

/// <summary>
/// The evidence behind the status report, one CSV record per cited statement per commitment (see
/// <see cref="EvidenceCsv"/>): the same filters and clocks as <c>/api/reports/status</c>, written whole by PostgreSQL
/// (<see cref="CsvCopy"/>).
/// </summary>
public static class EvidenceEndpoint
{
    [EndpointSummary("The evidence behind the status report as CSV, one record per cited statement per commitment (the status report's filters and clocks)"),
     WolverineGet("/api/reports/evidence")]
    public static async Task<CsvDownload> Evidence(PortfolioReads portfolio, Npgsql.NpgsqlDataSource dataSource, TimeProvider clock, string? agreement, string? party,
        string? category, string? stage, string? contested, string? overdue, string? speaker, string? actor, string? asOf,
        string? knownAt, string? format, CancellationToken ct)
    {
        var (errors, request) = await ReportRequests.ParseStatusAsync(dataSource, new(agreement, party, category, stage, contested, overdue, speaker, actor),
            asOf, knownAt, format, ReportFormat.Csv, ct);
        if (request is { Format: not ReportFormat.Csv })
            errors.Add(new FieldError("format", "the evidence table is CSV only (format=csv); the status report has the other formats"));
        await portfolio.CheckAgreementAsync(request?.Filter, errors, ct);
        if (errors.Count > 0) return new(Problems.Invalid(errors));
        var r = request!;
        var now = clock.GetUtcNow();
        var head = new StatusReportHead(r.Clocks.AsOf, r.Clocks.KnownAt, now, r.Filter, new Dictionary<string, int>());
        var fileName = $"evidence-as-of-{ReportText.AsOf(head.AsOf)}.csv";
        return new(new CopiedCsvResult(fileName, (body, token) => CsvCopy.EvidenceAsync(portfolio.ReportSource, body, r.Filter, r.Clocks, now, token)));
    }
}
