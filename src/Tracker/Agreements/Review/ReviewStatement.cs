using System.Text.Json.Serialization;
using Tracker.Agreements.Deciding;

namespace Tracker.Agreements;

/// <summary>
/// Decide the proposal open on a statement: approve it (it counts from this moment on, with its own said-on date),
/// return it to its proposer with a reason (they may correct and resubmit it), or reject it with a reason (it stays
/// in history only). Nobody decides their own proposal.
/// </summary>
[ImportLine("review-statement", typeof(StatementReviewed))]
public sealed record ReviewStatement(
    string AgreementId,
    Guid StatementId,
    string? Decision,
    [property: Kernel.OptionalField] string? Reason = null,
    long? ExpectedVersion = null) : IAuthoredCommand
{
    /// <summary>Who decides: set by the writer from the authenticated user (<see cref="IAuthoredCommand"/>).</summary>
    [JsonIgnore]
    public string? Reviewer { get; init; }

    public IAgreementCommand By(string userName) => this with { Reviewer = userName };

    /// <summary>
    /// Set only by an administrator's import of an export as recorded (never read from a request or a file): the
    /// export's record of an earlier administrator's pre-approval (<see cref="PreApprovedReason"/>, the proposer's own
    /// approval by design) is imported as it was recorded. Every other own approval stays refused.
    /// </summary>
    [JsonIgnore]
    public bool AsRecordedByAnAdministrator { get; init; }

    private bool IsRecordedPreApproval(string? decision) =>
        AsRecordedByAnAdministrator && decision == ReviewDecisions.Approve && Reason?.Trim() == PreApprovedReason;

    Guid? IAgreementCommand.TouchedStatementId => StatementId;

    public Outcome Decide(Agreement? agreement, DateOnly today, Registry.ActorDirectory actors) => Decide(agreement, this);

    public static Outcome Decide(Agreement? agreement, ReviewStatement command)
    {
        if (agreement is null) return Outcome.NotFound("agreementId", $"agreement '{command.AgreementId}' does not exist");
        var check = new Checks();
        var decision = command.Decision?.Trim();
        if (decision is null || !ReviewDecisions.All.Contains(decision))
            check.Fail("decision", string.IsNullOrWhiteSpace(decision)
                ? $"is required; one of: {string.Join(", ", ReviewDecisions.All)}"
                : $"'{decision}' is not one of: {string.Join(", ", ReviewDecisions.All)}");
        if (decision is ReviewDecisions.Return or ReviewDecisions.Reject)
            check.Required("reason", command.Reason, Checks.MaxTextLength);
        else check.MaxLength("reason", command.Reason, Checks.MaxTextLength);
        if (!check.Passed) return Outcome.Invalid(check.Errors);

        if (agreement.Proposal(command.StatementId) is not { } proposal)
            return Outcome.NotFound("statementId", $"statement {command.StatementId} has no proposal to review in '{agreement.Id}'");
        if (command.Reviewer is not { Length: > 0 } reviewer || reviewer == proposal.ProposedBy && !command.IsRecordedPreApproval(decision))
            return Outcome.Forbidden("statementId",
                $"statement {command.StatementId}'s proposal is your own: another reviewer must decide it");
        if (!proposal.IsAwaiting)
            return Outcome.Conflict("statementId",
                $"the proposal on statement {command.StatementId} was already decided ({proposal.State} by {proposal.Decided?.By})");

        var reason = NullIfBlank(command.Reason);
        var reviewed = new StatementReviewed(agreement.Id, command.StatementId, decision!, reason);
        if (decision != ReviewDecisions.Approve) return Outcome.Append(reviewed);

        var statement = agreement.Statement(command.StatementId);
        switch (proposal.Kind)
        {
            case ProposalKinds.Statement when statement is null:
                return Outcome.Append(reviewed, new StatementRecorded(agreement.Id, command.StatementId, proposal.Content!));
            case ProposalKinds.Correction when statement is { IsRetracted: false }:
                return Outcome.Append(reviewed, new StatementCorrected(agreement.Id, command.StatementId, proposal.Changes!,
                    proposal.Reason!, proposal.CorrectionId!.Value));
            case ProposalKinds.Retraction when statement is { IsRetracted: false }:
                return Outcome.Append(reviewed, new StatementRetracted(agreement.Id, command.StatementId, proposal.Reason!));
            default:
                // Review was switched off meanwhile and the statement changed directly: the proposal no longer applies.
                return Outcome.Conflict("statementId",
                    $"statement {command.StatementId} changed since it was proposed; reject the proposal instead");
        }
    }

    private static string? NullIfBlank(string? reason) => string.IsNullOrWhiteSpace(reason) ? null : reason.Trim();

    /// <summary>Where a proposal stands once decided so.</summary>
    public static string StateAfter(string decision) => decision switch
    {
        ReviewDecisions.Approve => ProposalStates.Approved,
        ReviewDecisions.Return => ProposalStates.Returned,
        _ => ProposalStates.Rejected,
    };

    /// <summary>The reason an administrator's import records for the lines it marks pre-approved.</summary>
    public const string PreApprovedReason = "pre-approved by an administrator's import";

    /// <summary>
    /// What an administrator's import appends for lines marked pre-approved: each proposal as proposed, its approval (with
    /// <see cref="PreApprovedReason"/>), and the event that makes it count; the record shows it was never reviewed by a
    /// second person.
    /// </summary>
    public static IReadOnlyList<object> PreApproved(IReadOnlyList<object> events)
    {
        if (!events.Any(e => e is StatementProposed or CorrectionProposed or RetractionProposed)) return events;
        var all = new List<object>(events.Count + 4);
        foreach (var e in events)
        {
            all.Add(e);
            switch (e)
            {
                case StatementProposed p:
                    all.Add(new StatementReviewed(p.AgreementId, p.StatementId, ReviewDecisions.Approve, PreApprovedReason));
                    all.Add(new StatementRecorded(p.AgreementId, p.StatementId, p.Content));
                    break;
                case CorrectionProposed c:
                    all.Add(new StatementReviewed(c.AgreementId, c.StatementId, ReviewDecisions.Approve, PreApprovedReason));
                    all.Add(new StatementCorrected(c.AgreementId, c.StatementId, c.Changes, c.Reason, c.CorrectionId));
                    break;
                case RetractionProposed r:
                    all.Add(new StatementReviewed(r.AgreementId, r.StatementId, ReviewDecisions.Approve, PreApprovedReason));
                    all.Add(new StatementRetracted(r.AgreementId, r.StatementId, r.Reason));
                    break;
            }
        }
        return all;
    }
}
