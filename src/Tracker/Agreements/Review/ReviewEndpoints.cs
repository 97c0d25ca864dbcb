using Marten;
using Marten.Pagination;
using Microsoft.AspNetCore.Authorization;
using Tracker.Agreements.Storage;
using Tracker.Http;
using Tracker.Kernel;
using Tracker.Security;
using Wolverine.Http;

namespace Tracker.Agreements;

public sealed record ReviewWritten(string AgreementId, Guid StatementId, long Version, string Decision, string State);

/// <summary>One proposal as the review queue and the proposer's list show it.</summary>
public sealed record ProposalView(
    string AgreementId, Guid StatementId, string Kind, string State, StatementContent? Content, StatementChanges? Changes,
    string? Reason, IReadOnlyList<string> CommitmentIds, Recording Proposed, Recording? Decided, string? DecisionReason)
{
    public static ProposalView Of(StatementProposal p) => new(p.AgreementId, p.StatementId, p.Kind, p.State, p.Content, p.Changes,
        p.Reason, p.CommitmentIds, p.Proposed, p.Decided, p.DecisionReason);
}

public sealed record ReviewPolicyInput(string? Review);

public static class ReviewEndpoints
{
    [EndpointSummary("Decide a statement's proposal: approve, return or reject (with a reason); never your own"),
     WolverinePost("/api/agreements/{agreementId}/statements/{statementId}/review"), Authorize(Policy = Roles.Policies.CanReview)]
    public static async Task<Decided<ReviewWritten>> Review(string agreementId, Guid statementId, ReviewStatement command,
        HttpContext http, AgreementWriter writer, CancellationToken ct)
    {
        var errors = new List<FieldError>();
        if (!RouteMatches.Check(agreementId, command.AgreementId, errors) |
            !RouteMatches.Check(statementId.ToString(), command.StatementId == Guid.Empty ? null : command.StatementId.ToString(), errors, "statementId") |
            !http.TryExpectedVersion(command.ExpectedVersion, errors, out var expected))
            return new(Problems.Invalid(errors));
        command = command with { AgreementId = agreementId, StatementId = statementId, ExpectedVersion = expected };
        var result = await writer.ExecuteAsync(command, http.Author(), ct);
        var decision = command.Decision?.Trim() ?? "";
        var state = ReviewStatement.StateAfter(decision);
        return new(Problems.ForWrite(result, $"/api/agreements/{agreementId}/statements/{statementId}",
            v => new ReviewWritten(agreementId, statementId, v, decision, state)));
    }

    [EndpointSummary("Proposals by state (default awaiting), oldest first; filters agreement, proposedBy"),
     WolverineGet("/api/reviews")]
    public static async Task<Listed<PageOf<ProposalView>>> List(IQuerySession session, string? state, string? agreement,
        string? proposedBy, int? page, int? pageSize, CancellationToken ct)
    {
        var errors = new List<FieldError>();
        var paging = Paging.Parse(page, pageSize, errors);
        var wanted = string.IsNullOrWhiteSpace(state) ? ProposalStates.Awaiting : state.Trim();
        if (!ProposalStates.All.Contains(wanted))
            errors.Add(new FieldError("state", $"'{state}' is not one of: {string.Join(", ", ProposalStates.All)}"));
        if (errors.Count > 0) return new(Problems.Invalid(errors));
        var listed = await ProposalsAsync(session, wanted, Reports.ReportRequests.Given(agreement),
            Reports.ReportRequests.Given(proposedBy), paging, ct);
        return new(Results.Ok(listed));
    }

    /// <summary>One page of proposals, answered by PostgreSQL (indexed on state, agreement, proposer, time).</summary>
    public static async Task<PageOf<ProposalView>> ProposalsAsync(IQuerySession session, string state, string? agreementId,
        string? proposedBy, Paging paging, CancellationToken ct)
    {
        var query = session.Query<StatementProposal>().Where(p => p.State == state);
        if (agreementId is not null) query = query.Where(p => p.AgreementId == agreementId);
        if (proposedBy is not null) query = query.Where(p => p.ProposedBy == proposedBy);
        var found = await query.OrderBy(p => p.ProposedAt).ThenBy(p => p.Key).ToPagedListAsync(paging.Page, paging.Size, ct);
        return new PageOf<ProposalView>(found.Select(ProposalView.Of).ToList(), paging.Page, paging.Size, (int)found.TotalItemCount);
    }

    [EndpointSummary("Require four-eyes review on an agreement, or stop requiring it (admin)"),
     WolverinePost("/api/agreements/{agreementId}/review"), Authorize(Policy = Roles.Policies.CanAdminister)]
    public static async Task<Changed<AgreementWritten>> SetPolicy(string agreementId, ReviewPolicyInput input, HttpContext http,
        AgreementWriter writer, CancellationToken ct)
    {
        var result = await writer.ExecuteAsync(new SetReview(agreementId, input.Review), http.Author(), ct);
        return new(Problems.ForWrite(result, $"/api/agreements/{agreementId}", v => new AgreementWritten(agreementId, v)));
    }
}
