using Marten;
using Tracker.Agreements.Storage;
using Tracker.Http;
using Tracker.Portfolio;
using Tracker.Reports;
using Tracker.Reports.Rendering;
using Wolverine.Http;
using Tracker.Kernel;

namespace Tracker.Agreements;

public sealed record PageOf<T>(IReadOnlyList<T> Items, int Page, int PageSize, int Total);

/// <summary>
/// Reads of one agreement. Each takes <c>asOf</c> (valid time: statements said by that date) and <c>knownAt</c>
/// (record time: the tracker as it stood at that instant); they combine.
/// </summary>
public static class AgreementReadEndpoints
{
    [EndpointSummary("List agreements (filters party, tag; paging)"), WolverineGet("/api/agreements")]
    public static async Task<Listed<PageOf<AgreementSummary>>> List(PortfolioReads portfolio, string? party, string? tag, int? page, int? pageSize,
        string? asOf, string? knownAt, CancellationToken ct)
    {
        var errors = RequestContext.ParseClocks(asOf, knownAt, out var clocks);
        var paging = Paging.Parse(page, pageSize, errors);
        if (errors.Count > 0) return new(Problems.Invalid(errors));
        return new(Results.Ok(await portfolio.AgreementsAsync(Reports.ReportRequests.Given(party), Reports.ReportRequests.Given(tag),
            clocks, paging, ct)));
    }

    [EndpointSummary("An agreement with its commitments and their stages"), WolverineGet("/api/agreements/{agreementId}")]
    public static async Task<Found<AgreementSummary>> Get(string agreementId, IQuerySession session, string? asOf, string? knownAt, CancellationToken ct) =>
        new(await WithAgreement(session, agreementId, asOf, knownAt, ct, (a, clocks) => Results.Ok(AgreementSummary.Of(a, clocks.AsOf))));

    [EndpointSummary("A commitment's status"), WolverineGet("/api/agreements/{agreementId}/commitments/{commitmentId}")]
    public static async Task<Found<CommitmentStatus>> Status(string agreementId, string commitmentId, IQuerySession session, string? asOf,
        string? knownAt, CancellationToken ct) =>
        new(await WithAgreement(session, agreementId, asOf, knownAt, ct, (a, clocks) => a.Commitment(commitmentId) is { } c
            ? Results.Ok(StatusRule.Evaluate(a, c, clocks.AsOf))
            : NoCommitment(agreementId, commitmentId)));

    [EndpointSummary("A commitment's history: statements and stage transitions (format json or md)"), WolverineGet("/api/agreements/{agreementId}/commitments/{commitmentId}/history")]
    public static async Task<FoundOrMarkdown<CommitmentHistory>> History(string agreementId, string commitmentId, IQuerySession session,
        Npgsql.NpgsqlDataSource dataSource, string? asOf, string? knownAt, string? format, CancellationToken ct)
    {
        // A history is one commitment's document: JSON or Markdown, and an unknown format must not fall back to JSON.
        if (format is { Length: > 0 } f && f is not ("json" or "md"))
            return new(Problems.Invalid([new FieldError("format", $"'{f}' is not a history format; one of: json, md")]));
        // What the sources' captures say, as known at the instant: read beside the agreement (by index, one agreement's rows).
        var clocksGiven = RequestContext.ParseClocks(asOf, knownAt, out var given).Count == 0;
        var checks = clocksGiven ? await SourceCheck.OfAgreementAsync(dataSource, agreementId, given.KnownAt, ct) : new Dictionary<Guid, SourceCheck>();
        var documents = clocksGiven ? await CitedDocuments.OfAgreementAsync(dataSource, agreementId, null, ct) : new Dictionary<Guid, CitedDocuments.Named>();
        return new(await WithAgreement(session, agreementId, asOf, knownAt, ct, (a, clocks) =>
        {
            if (a.Commitment(commitmentId) is not { } c) return NoCommitment(agreementId, commitmentId);
            var history = CommitmentHistory.Of(a, c, clocks.AsOf).WithSources(checks, documents);
            return format == "md"
                ? new ReportHttpResult(new RenderedReport(HistoryMarkdown.Render(history, clocks.AsOf, clocks.KnownAt),
                    ReportFormat.Markdown, $"history-{agreementId}-{commitmentId}.md"))
                : Results.Ok(history);
        }));
    }

    [EndpointSummary("An agreement's statements"), WolverineGet("/api/agreements/{agreementId}/statements")]
    public static async Task<Found<IReadOnlyList<StatementEntry>>> Statements(string agreementId, IQuerySession session, string? asOf, string? knownAt,
        CancellationToken ct) =>
        new(await WithAgreement(session, agreementId, asOf, knownAt, ct, (a, clocks) => Results.Ok(a.Statements
            .Where(s => clocks.AsOf is not { } d || s.Current.SaidOn.IsKnownBy(d))
            .OrderBy(s => s.Current.SaidOn).ThenBy(s => s.RecordOrder)
            .ToList())));

    [EndpointSummary("One statement with its corrections and retraction"), WolverineGet("/api/agreements/{agreementId}/statements/{statementId}")]
    public static async Task<Found<StatementEntry>> Statement(string agreementId, Guid statementId, IQuerySession session, string? asOf,
        string? knownAt, CancellationToken ct) =>
        new(await WithAgreement(session, agreementId, asOf, knownAt, ct, (a, _) => a.Statement(statementId) is { } s
            ? Results.Ok(s)
            : Problems.NotFound($"statement {statementId} does not exist in agreement '{agreementId}'")));

    private static IResult NoCommitment(string agreementId, string commitmentId) =>
        Problems.NotFound($"commitment '{commitmentId}' does not exist in agreement '{agreementId}'");

    private static async Task<IResult> WithAgreement(IQuerySession session, string agreementId, string? asOf, string? knownAt,
        CancellationToken ct, Func<Agreement, Clocks, IResult> read)
    {
        var errors = RequestContext.ParseClocks(asOf, knownAt, out var clocks);
        if (errors.Count > 0) return Problems.Invalid(errors);
        var agreement = await session.LoadAsync(agreementId, clocks.KnownAt, ct);
        return agreement is null
            ? Problems.NotFound(clocks.KnownAt is null
                ? $"agreement '{agreementId}' does not exist"
                : $"agreement '{agreementId}' was not known at {clocks.KnownAt:O}")
            : read(agreement, clocks);
    }
}
