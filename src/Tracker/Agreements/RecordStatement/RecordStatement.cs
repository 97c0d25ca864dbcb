using Tracker.Agreements.Deciding;

namespace Tracker.Agreements;

public sealed record StatementRecorded(string AgreementId, Guid StatementId, StatementContent Content) : IImportLineParts
{
    /// <summary>Its import line holds the content's fields beside the ids, as a client sends them.</summary>
    IEnumerable<object> IImportLineParts.ImportLineParts => [new { AgreementId, StatementId }, Content];
}

/// <summary>
/// Log what someone said. <see cref="StatementId"/> is the idempotency key: the same id with the same content
/// is a re-send (nothing appended); with other content, a conflict. New commitments the statement introduces are
/// added in the same append.
/// </summary>
[AlsoRecords(typeof(StatementProposed))]
[ImportLine("record-statement", typeof(StatementRecorded))]
public sealed record RecordStatement(
    string AgreementId,
    [property: Kernel.OptionalField] Guid StatementId,
    string? SaidOn,
    SpeakerInput? Speaker,
    [property: Kernel.OptionalField] string? Place,
    string? Quote,
    string? Language,
    [property: Kernel.OptionalField] string? Translation,
    SourceInput? Source,
    IReadOnlyList<AssertionInput>? Assertions,
    IReadOnlyList<CommitmentInput>? NewCommitments = null,
    long? ExpectedVersion = null) : IAgreementCommand
{
    [System.Text.Json.Serialization.JsonIgnore]
    public StatementInput Statement => new(SaidOn, Speaker, Place, Quote, Language, Translation, Source, Assertions);

    Guid? IAgreementCommand.TouchedStatementId => StatementId;
    public IEnumerable<string> PersonIds => Speaker?.PersonId is { } person ? [person] : [];
    public IEnumerable<Guid> DocumentIds => Source?.DocumentId is { } document ? [document] : [];
    public IEnumerable<string> ActorCodes =>
    [
        .. Speaker?.Actor is { } actor ? [actor] : Array.Empty<string>(),
        .. NewCommitments?.SelectMany(c => c?.ResponsibleActors ?? []) ?? [],
    ];
    public Outcome Decide(Agreement? agreement, DateOnly today, Registry.ActorDirectory actors) => Decide(agreement, this, today, actors);

    public static Outcome Decide(Agreement? agreement, RecordStatement command, DateOnly today, Registry.ActorDirectory? actors = null)
    {
        if (agreement is null) return Outcome.NotFound("agreementId", $"agreement '{command.AgreementId}' does not exist");
        if (command.StatementId == Guid.Empty) return Outcome.Invalid("statementId", "must not be the empty GUID");

        var check = new Checks(actors);
        var added = new List<CommitmentAdded>();
        if (check.ListSize("newCommitments", command.NewCommitments, min: 0))
        {
            for (var i = 0; i < (command.NewCommitments?.Count ?? 0); i++)
            {
                if (command.NewCommitments![i]?.Check(check, $"newCommitments[{i}].", agreement.Id) is not { } c) continue;
                if (agreement.Commitment(c.CommitmentId) is not null && agreement.Statement(command.StatementId) is null
                    && agreement.Proposal(command.StatementId) is null)
                    check.Fail($"newCommitments[{i}].commitmentId", $"commitment '{c.CommitmentId}' already exists; assert it instead");
                else if (added.Any(a => a.CommitmentId == c.CommitmentId))
                    check.Fail($"newCommitments[{i}].commitmentId", $"commitment '{c.CommitmentId}' is introduced twice");
                else added.Add(c);
            }
        }

        var content = command.Statement.Check(check, today,
            id => agreement.Commitment(id) is not null || added.Any(a => a.CommitmentId == id),
            id => check.Actors.HasDocument(agreement.Id, id));
        if (content is null || !check.Passed) return Outcome.Invalid(check.Errors);

        if (agreement.Statement(command.StatementId) is { } existing)
        {
            // A re-send repeats everything the first send did, the commitments it introduced included.
            var sameCommitments = added.All(a => agreement.Commitment(a.CommitmentId) is { } c && c.HasTermsOf(a));
            return existing.Original.SameAs(content) && sameCommitments
                ? new AlreadyDone(existing.Recorded.Version)
                : Outcome.Conflict("statementId",
                    $"statement {command.StatementId} was already recorded with other content; correct it instead");
        }

        if (agreement.Proposal(command.StatementId) is { Kind: ProposalKinds.Statement } proposal)
        {
            // Awaiting: a re-send, or other content (which revises it through a correction). Returned: resubmitted.
            var sameCommitments = added.All(a => agreement.Commitment(a.CommitmentId) is { } c && c.HasTermsOf(a));
            if (proposal.IsAwaiting)
                return proposal.Content!.SameAs(content) && sameCommitments
                    ? new AlreadyDone(proposal.Proposed.Version, Awaiting: true)
                    : Outcome.Conflict("statementId",
                        $"statement {command.StatementId} awaits review with other content; correct it instead");
            if (proposal.State == ProposalStates.Rejected)
                return Outcome.Conflict("statementId", $"statement {command.StatementId} was rejected in review; record a new statement");
            added.RemoveAll(a => agreement.Commitment(a.CommitmentId) is not null);
        }

        // Where review is required the statement is proposed: nothing that reads statements counts it until approved.
        return new Accepted([.. added, agreement.ReviewRequired
            ? new StatementProposed(agreement.Id, command.StatementId, content)
            : new StatementRecorded(agreement.Id, command.StatementId, content)]);
    }
}
