using Tracker.Agreements.Deciding;

namespace Tracker.Agreements;

public sealed record StatementRetracted(string AgreementId, Guid StatementId, string Reason);

/// <summary>Withdraw a statement from the evidence (a hoax, a misattribution). It stays in history, marked retracted.</summary>
[AlsoRecords(typeof(RetractionProposed))]
[ImportLine("retract-statement", typeof(StatementRetracted))]
public sealed record RetractStatement(string AgreementId, Guid StatementId, string? Reason, long? ExpectedVersion = null)
    : IAgreementCommand
{
    Guid? IAgreementCommand.TouchedStatementId => StatementId;
    public Outcome Decide(Agreement? agreement, DateOnly today, Registry.ActorDirectory actors) => Decide(agreement, this);

    public static Outcome Decide(Agreement? agreement, RetractStatement command)
    {
        if (agreement is null) return Outcome.NotFound("agreementId", $"agreement '{command.AgreementId}' does not exist");
        if (agreement.Statement(command.StatementId) is not { } statement)
            return Outcome.NotFound("statementId", $"statement {command.StatementId} does not exist in '{agreement.Id}'");
        var check = new Checks();
        if (!check.Required("reason", command.Reason, Checks.MaxTextLength)) return Outcome.Invalid(check.Errors);

        var reason = command.Reason!.Trim();
        if (statement.Retraction is { } earlier)
            return earlier.Reason == reason
                ? new AlreadyDone(earlier.Recorded.Version)
                : Outcome.Conflict("statementId", $"statement {command.StatementId} is already retracted");
        if (!agreement.ReviewRequired) return Outcome.Append(new StatementRetracted(agreement.Id, statement.Id, reason));
        if (agreement.Proposal(statement.Id) is { IsAwaiting: true } open)
            return open.Kind == ProposalKinds.Retraction && open.Reason == reason
                ? new AlreadyDone(open.Proposed.Version, Awaiting: true)
                : Outcome.Conflict("statementId", $"a change to statement {command.StatementId} awaits review");
        // The statement keeps counting until a reviewer approves its retraction.
        return Outcome.Append(new RetractionProposed(agreement.Id, statement.Id, reason));
    }
}
