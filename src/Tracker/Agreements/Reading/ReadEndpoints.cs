using Marten;
using Tracker.Agreements.Storage;
using Tracker.Http;
using Tracker.Portfolio;
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
    public static Task<Found<AgreementSummary>> Get(string agreementId, IQuerySession session, string? asOf, string? knownAt, CancellationToken ct) =>
        WithAgreement<AgreementSummary>(session, agreementId, asOf, knownAt, ct, (a, d) => Results.Ok(AgreementSummary.Of(a, d)));

    [EndpointSummary("A commitment's status"), WolverineGet("/api/agreements/{agreementId}/commitments/{commitmentId}")]
    public static Task<Found<CommitmentStatus>> Status(string agreementId, string commitmentId, IQuerySession session, string? asOf,
        string? knownAt, CancellationToken ct) =>
        WithAgreement<CommitmentStatus>(session, agreementId, asOf, knownAt, ct, (a, d) => a.Commitment(commitmentId) is { } c
            ? Results.Ok(StatusRule.Evaluate(a, c, d))
            : Problems.NotFound($"commitment '{commitmentId}' does not exist in agreement '{agreementId}'"));

    [EndpointSummary("A commitment's history: statements and stage transitions"), WolverineGet("/api/agreements/{agreementId}/commitments/{commitmentId}/history")]
    public static Task<Found<CommitmentHistory>> History(string agreementId, string commitmentId, IQuerySession session, string? asOf,
        string? knownAt, CancellationToken ct) =>
        WithAgreement<CommitmentHistory>(session, agreementId, asOf, knownAt, ct, (a, d) => a.Commitment(commitmentId) is { } c
            ? Results.Ok(CommitmentHistory.Of(a, c, d))
            : Problems.NotFound($"commitment '{commitmentId}' does not exist in agreement '{agreementId}'"));

    [EndpointSummary("An agreement's statements"), WolverineGet("/api/agreements/{agreementId}/statements")]
    public static Task<Found<IReadOnlyList<StatementEntry>>> Statements(string agreementId, IQuerySession session, string? asOf, string? knownAt,
        CancellationToken ct) =>
        WithAgreement<IReadOnlyList<StatementEntry>>(session, agreementId, asOf, knownAt, ct, (a, d) => Results.Ok(a.Statements
            .Where(s => d is null || s.Current.SaidOn.IsKnownBy(d.Value))
            .OrderBy(s => s.Current.SaidOn).ThenBy(s => s.RecordOrder)
            .ToList()));

    [EndpointSummary("One statement with its corrections and retraction"), WolverineGet("/api/agreements/{agreementId}/statements/{statementId}")]
    public static Task<Found<StatementEntry>> Statement(string agreementId, Guid statementId, IQuerySession session, string? asOf,
        string? knownAt, CancellationToken ct) =>
        WithAgreement<StatementEntry>(session, agreementId, asOf, knownAt, ct, (a, _) => a.Statement(statementId) is { } s
            ? Results.Ok(s)
            : Problems.NotFound($"statement {statementId} does not exist in agreement '{agreementId}'"));

    private static async Task<Found<T>> WithAgreement<T>(IQuerySession session, string agreementId, string? asOf, string? knownAt,
        CancellationToken ct, Func<Agreement, DateOnly?, IResult> read)
    {
        var errors = RequestContext.ParseClocks(asOf, knownAt, out var clocks);
        if (errors.Count > 0) return new(Problems.Invalid(errors));
        var agreement = await session.LoadAsync(agreementId, clocks.KnownAt, ct);
        return new(agreement is null
            ? Problems.NotFound(clocks.KnownAt is null
                ? $"agreement '{agreementId}' does not exist"
                : $"agreement '{agreementId}' was not known at {clocks.KnownAt:O}")
            : read(agreement, clocks.AsOf));
    }
}
