using Marten;
using Tracker.Http;
using Tracker.Reports.Rendering;
using Wolverine.Http;

namespace Tracker.Reports;

/// <summary>
/// The portfolio reports. <c>format</c> is json (the default), md, csv or html; the other parameters are parsed by
/// <see cref="ReportRequests"/>, which the <c>report</c> command line verb shares.
/// </summary>
public static class ReportEndpoints
{
    [EndpointSummary("The portfolio status report (filters agreement, party, category, stage; format json, md, csv, html)"), WolverineGet("/api/reports/status")]
    public static async Task<IResult> Status(IQuerySession session, TimeProvider clock, string? agreement, string? party,
        string? category, string? stage, string? asOf, string? knownAt, string? format, CancellationToken ct)
    {
        var errors = ReportRequests.ParseStatus(agreement, party, category, stage, asOf, knownAt, format, ReportFormat.Json,
            out var request);
        if (errors.Count > 0) return Problems.Invalid(errors);
        var report = await session.StatusReportAsync(request!, clock, ct);
        return new ReportHttpResult(ReportRenderer.Render(report, request!.Format));
    }

    [EndpointSummary("What moved between two dates (from, to; format json, md, csv, html)"), WolverineGet("/api/reports/changes")]
    public static async Task<IResult> Changes(IQuerySession session, TimeProvider clock, string? from, string? to,
        string? knownAt, string? format, CancellationToken ct)
    {
        var errors = ReportRequests.ParseChanges(from, to, knownAt, format, ReportFormat.Json, out var request);
        if (errors.Count > 0) return Problems.Invalid(errors);
        var report = await session.ChangesReportAsync(request!, clock, ct);
        return new ReportHttpResult(ReportRenderer.Render(report, request!.Format));
    }
}
