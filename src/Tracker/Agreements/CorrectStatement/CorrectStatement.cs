using Tracker.Agreements.Deciding;

namespace Tracker.Agreements;

/// <summary><see cref="CorrectionId"/> identifies the correction itself, so a re-sent or re-imported one applies once.</summary>
public sealed record StatementCorrected(
    string AgreementId, Guid StatementId, StatementChanges Changes, string Reason, Guid CorrectionId);

/// <summary>The fields to change, as a client sends them; absent fields stay as they are.</summary>
public sealed record ChangesInput(
    string? SaidOn = null,
    SpeakerInput? Speaker = null,
    string? Place = null,
    string? Quote = null,
    string? Language = null,
    string? Translation = null,
    SourceInput? Source = null,
    IReadOnlyList<AssertionInput>? Assertions = null);

/// <summary>Fix what was misread. The statement keeps its id; history keeps the earlier reading.</summary>
[AlsoRecords(typeof(CorrectionProposed))]
[ImportLine("correct-statement", typeof(StatementCorrected))]
public sealed record CorrectStatement(
    string AgreementId,
    Guid StatementId,
    ChangesInput? Changes,
    string? Reason,
    Guid? CorrectionId = null,
    long? ExpectedVersion = null) : IAgreementCommand
{
    Guid? IAgreementCommand.TouchedStatementId => StatementId;
    public IEnumerable<string> PersonIds => Changes?.Speaker?.PersonId is { } person ? [person] : [];
    public IEnumerable<string> ActorCodes => Changes?.Speaker?.Actor is { } actor ? [actor] : [];
    public IEnumerable<Guid> DocumentIds => Changes?.Source?.DocumentId is { } document ? [document] : [];
    public Outcome Decide(Agreement? agreement, DateOnly today, Registry.ActorDirectory actors) => Decide(agreement, this, today, actors);

    public static Outcome Decide(Agreement? agreement, CorrectStatement command, DateOnly today, Registry.ActorDirectory? actors = null)
    {
        if (agreement is null) return Outcome.NotFound("agreementId", $"agreement '{command.AgreementId}' does not exist");
        var statement = agreement.Statement(command.StatementId);
        var proposal = agreement.Proposal(command.StatementId);
        // A new statement still in review (awaiting, or returned to its proposer) is corrected by proposing it again.
        var revising = statement is null
                       && proposal is { Kind: ProposalKinds.Statement, State: ProposalStates.Awaiting or ProposalStates.Returned };
        if (statement is null && !revising)
            return Outcome.NotFound("statementId", $"statement {command.StatementId} does not exist in '{agreement.Id}'");
        if (statement is not null)
        {
            if (command.CorrectionId is { } correctionId && statement.Corrections.FirstOrDefault(c => c.Id == correctionId) is { } done)
                return new AlreadyDone(done.Recorded.Version);
            if (statement.IsRetracted)
                return Outcome.Conflict("statementId", $"statement {command.StatementId} was retracted; record a new statement instead");
            if (agreement.ReviewRequired && proposal is { IsAwaiting: true } open)
                return open.Kind == ProposalKinds.Correction && open.CorrectionId == command.CorrectionId
                    ? new AlreadyDone(open.Proposed.Version, Awaiting: true)
                    : Outcome.Conflict("statementId", $"a change to statement {command.StatementId} awaits review");
        }

        var check = new Checks(actors);
        check.Required("reason", command.Reason, Checks.MaxTextLength);
        var c = command.Changes;
        if (c is null)
        {
            check.Fail("changes", "is required: give at least one field to change");
            return Outcome.Invalid(check.Errors);
        }

        var changes = new StatementChanges(
            c.SaidOn is null ? null : StatementInput.CheckSaidOn(check, "changes.saidOn", c.SaidOn, today),
            c.Speaker?.Check(check, "changes.speaker"),
            c.Place is null ? null : check.MaxLength("changes.place", c.Place, Checks.MaxNameLength) ? c.Place.Trim() : null,
            c.Quote is null ? null : check.Required("changes.quote", c.Quote, Checks.MaxTextLength) ? c.Quote.Trim() : null,
            c.Language is null ? null : check.Language("changes.language", c.Language) ? c.Language : null,
            c.Translation is null ? null : check.MaxLength("changes.translation", c.Translation, Checks.MaxTextLength) ? c.Translation.Trim() : null,
            c.Source?.Check(check, "changes.source", today, id => check.Actors.HasDocument(agreement.Id, id)),
            c.Assertions is null ? null : PrefixErrors(check, c.Assertions, agreement));
        if (!check.Passed) return Outcome.Invalid(check.Errors);
        if (changes.ChangedFields().Count == 0)
            return Outcome.Invalid("changes", "gives no field to change");

        if (statement is null)
        {
            var revised = changes.ApplyTo(proposal!.Content!);
            return proposal.IsAwaiting && revised.SameAs(proposal.Content!)
                ? new AlreadyDone(proposal.Proposed.Version, Awaiting: true)
                : Outcome.Append(new StatementProposed(agreement.Id, command.StatementId, revised));
        }
        var corrected = changes.ApplyTo(statement.Current);
        if (corrected.SameAs(statement.Current))
            return new AlreadyDone(statement.Corrections.LastOrDefault()?.Recorded.Version ?? statement.Recorded.Version);
        if (command.CorrectionId is not { } id || id == Guid.Empty)
            return Outcome.Invalid("correctionId", "is required (the idempotency key of the correction)");
        var reason = command.Reason!.Trim();
        // Where review is required the approved reading stands until a reviewer approves the correction.
        return Outcome.Append(agreement.ReviewRequired
            ? new CorrectionProposed(agreement.Id, statement.Id, changes, reason, id)
            : new StatementCorrected(agreement.Id, statement.Id, changes, reason, id));
    }

    private static IReadOnlyList<Assertion>? PrefixErrors(Checks check, IReadOnlyList<AssertionInput> inputs, Agreement agreement)
    {
        var inner = new Checks();
        var result = StatementInput.CheckAssertions(inner, inputs, id => agreement.Commitment(id) is not null);
        foreach (var e in inner.Errors) check.Fail("changes." + e.Field, e.Reason);
        return result;
    }
}
