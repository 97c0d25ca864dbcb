using Tracker.Agreements;
using Tracker.Agreements.Deciding;
using Tracker.Http;
using Tracker.Portfolio;
using Tracker.Reports.Rendering;
using Wolverine.Http;
using Tracker.Kernel;

namespace Tracker.Reports;

/// <summary>
/// The portfolio reports. <c>format</c> is json (the default: one page, <c>page</c> and <c>pageSize</c>), md, csv or
/// html (the whole report, streamed; CSV written by PostgreSQL, <see cref="CsvCopy"/>), and for the status report xlsx (a workbook, <see cref="WorkbookHttpResult"/>);
/// the other parameters are parsed by <see cref="ReportRequests"/>, which the <c>report</c> command line verb shares.
/// </summary>
public static class ReportEndpoints
{
    [EndpointSummary("The portfolio status report (filters agreement, party, category, stage, contested, overdue, speaker, actor, review=awaiting, sourceDrift; format json (paged), md, csv, html, xlsx)"), WolverineGet("/api/reports/status")]
    public static async Task<Reported<StatusReport>> Status(PortfolioReads portfolio, Npgsql.NpgsqlDataSource dataSource, TimeProvider clock, string? agreement, string? party,
        string? category, string? stage, string? contested, string? overdue, string? speaker, string? actor, string? asOf, string? knownAt,
        string? format, int? page, int? pageSize, string? review, string? sourceDrift, CancellationToken ct)
    {
        var (errors, request) = await ReportRequests.ParseStatusAsync(dataSource,
            new(agreement, party, category, stage, contested, overdue, speaker, actor, sourceDrift, review), asOf, knownAt, format, ReportFormat.Json, ct);
        var paging = PagingFor(request?.Format, page, pageSize, errors);
        await portfolio.CheckAgreementAsync(request?.Filter, errors, ct);
        if (errors.Count > 0) return new(Problems.Invalid(errors));
        var r = request!;
        var clocks = r.Clocks;
        var now = clock.GetUtcNow();
        if (r.Format == ReportFormat.Json)
            return new(new ReportHttpResult(ReportRenderer.Render(await portfolio.StatusPageAsync(r.Filter, clocks, paging, now, ct),
                ReportFormat.Json)));
        var head = new StatusReportHead(clocks.AsOf, clocks.KnownAt, now, r.Filter, new Dictionary<string, int>());
        if (r.Format == ReportFormat.Xlsx)
            return new(new WorkbookHttpResult(portfolio, r, now, ReportRenderer.FileName(head, r.Format)));
        if (r.Format == ReportFormat.Csv)
            return new(new CopiedCsvResult(ReportRenderer.FileName(head, r.Format), (body, token) =>
                CsvCopy.StatusAsync(portfolio.ReportSource, body, r.Filter, clocks, now, token)));
        return new(new StreamedReportResult(r.Format, ReportRenderer.FileName(head, r.Format), (writer, token) =>
            portfolio.StreamStatusAsync(r.Filter, clocks, now,
                (h, rows) => ReportRenderer.Layout(r.Format, h).WriteAsync(writer, h, rows, token), token)));
    }

    [EndpointSummary("What moved between two dates (from, to; format json (paged), md, csv, html)"), WolverineGet("/api/reports/changes")]
    public static async Task<Reported<ChangesReport>> Changes(PortfolioReads portfolio, TimeProvider clock, string? from, string? to,
        string? knownAt, string? format, int? page, int? pageSize, HttpContext http, CancellationToken ct)
    {
        var errors = ReportRequests.ParseChanges(from, to, knownAt, format, ReportFormat.Json, Tracker.Agreements.Deciding.Today.Anywhere(clock), out var request);
        // The status report's valid-time clock, sent here, would otherwise be ignored in silence now that the period has a default.
        if (http.Request.Query.ContainsKey("asOf"))
            errors.Add(new FieldError("asOf", "does not apply to the changes report: its period is from..to (said-on dates)"));
        var paging = PagingFor(request?.Format, page, pageSize, errors);
        if (errors.Count > 0) return new(Problems.Invalid(errors));
        var r = request!;
        var now = clock.GetUtcNow();
        if (r.Format == ReportFormat.Json)
            return new(new ReportHttpResult(ReportRenderer.Render(
                await portfolio.ChangesPageAsync(r.From, r.To, r.KnownAt, paging, now, ct), ReportFormat.Json)));
        var head = new ChangesReportHead(r.From, r.To, r.KnownAt, now, 0);
        return new(new StreamedReportResult(r.Format, ReportRenderer.FileName(head, r.Format), (writer, token) =>
            portfolio.StreamChangesAsync(r.From, r.To, r.KnownAt, now,
                (h, rows) => ReportRenderer.Layout(r.Format).WriteAsync(writer, h, rows, token), token)));
    }

    /// <summary>JSON answers a page; the other formats are whole documents, so a page there is a mistake worth naming.</summary>
    private static Paging PagingFor(ReportFormat? format, int? page, int? pageSize, List<FieldError> errors)
    {
        if (format is { } f && f != ReportFormat.Json && (page is not null || pageSize is not null))
        {
            errors.Add(new FieldError(page is not null ? "page" : "pageSize",
                $"only format=json is paged; format={f.Name()} is the whole report"));
            return default;
        }
        return Paging.Parse(page, pageSize, errors);
    }
}
