using JasperFx.Events;

namespace Tracker.Agreements;

/// <summary>
/// The latest proposal made on one statement (keyed like its <see cref="StatementEntry"/>) and its decision, if any.
/// Kept inline with each append: the review queue, the proposer's returned list and the deciders read it. Earlier
/// proposals of the statement stay in its events (and the audit trail).
/// </summary>
public sealed class StatementProposal
{
    [JasperFx.Identity]
    public string Key { get; set; } = "";
    public string AgreementId { get; set; } = "";
    public Guid StatementId { get; set; }
    /// <summary><see cref="ProposalKinds"/>.</summary>
    public string Kind { get; set; } = ProposalKinds.Statement;
    /// <summary><see cref="ProposalStates"/>.</summary>
    public string State { get; set; } = ProposalStates.Awaiting;
    /// <summary>For a new statement: its proposed reading.</summary>
    public StatementContent? Content { get; set; }
    /// <summary>For a correction: the fields it changes.</summary>
    public StatementChanges? Changes { get; set; }
    public Guid? CorrectionId { get; set; }
    /// <summary>For a correction or a retraction: why.</summary>
    public string? Reason { get; set; }
    /// <summary>The commitments the proposal speaks of (a correction: before and after), for counts per commitment.</summary>
    public List<string> CommitmentIds { get; set; } = [];
    public Recording Proposed { get; set; } = Recording.Unknown;
    /// <summary>Flat copies of <see cref="Proposed"/> for the queue's indexes.</summary>
    public string? ProposedBy { get; set; }
    public DateTimeOffset ProposedAt { get; set; }
    public Recording? Decided { get; set; }
    public string? DecisionReason { get; set; }
    /// <summary>Every proposal of the statement approved so far (this one included once approved), oldest first: who
    /// proposed each reading the record shows, beside the approver who recorded it.</summary>
    public List<ApprovedProposal> Approved { get; set; } = [];

    public bool IsAwaiting => State == ProposalStates.Awaiting;

    public static StatementProposal Of(IEvent e, string agreementId, Guid statementId, string kind)
    {
        var recording = Recording.Of(e);
        return new StatementProposal
        {
            Key = StatementEntry.KeyOf(agreementId, statementId), AgreementId = agreementId, StatementId = statementId,
            Kind = kind, Proposed = recording, ProposedBy = recording.By, ProposedAt = recording.At,
        };
    }

    public static StatementProposal From(IEvent<StatementProposed> e) =>
        Speaks(Of(e, e.Data.AgreementId, e.Data.StatementId, ProposalKinds.Statement), e.Data.Content.Assertions, [],
            content: e.Data.Content);

    /// <param name="current">The statement's approved reading, when there is one.</param>
    public static StatementProposal From(IEvent<CorrectionProposed> e, StatementContent? current)
    {
        var p = Of(e, e.Data.AgreementId, e.Data.StatementId, ProposalKinds.Correction);
        p.Changes = e.Data.Changes;
        p.CorrectionId = e.Data.CorrectionId;
        p.Reason = e.Data.Reason;
        return Speaks(p, current?.Assertions ?? [], e.Data.Changes.Assertions ?? []);
    }

    public static StatementProposal From(IEvent<RetractionProposed> e, StatementContent? current)
    {
        var p = Of(e, e.Data.AgreementId, e.Data.StatementId, ProposalKinds.Retraction);
        p.Reason = e.Data.Reason;
        return Speaks(p, current?.Assertions ?? [], []);
    }

    private static StatementProposal Speaks(StatementProposal p, IEnumerable<Assertion> before, IEnumerable<Assertion> after,
        StatementContent? content = null)
    {
        p.Content = content;
        p.CommitmentIds = [.. before.Concat(after).Select(a => a.CommitmentId).Distinct(StringComparer.Ordinal)];
        return p;
    }

    public void Decide(IEvent<StatementReviewed> e)
    {
        State = ReviewStatement.StateAfter(e.Data.Decision);
        Decided = Recording.Of(e);
        DecisionReason = e.Data.Reason;
        if (State == ProposalStates.Approved) Approved.Add(new ApprovedProposal(Kind, CorrectionId, Proposed, Decided));
    }

    /// <summary>The approved proposal that gave the statement its first reading, a correction, or its retraction.</summary>
    public ApprovedProposal? ApprovalOf(string kind, Guid? correctionId = null) =>
        Approved.LastOrDefault(a => a.Kind == kind && (kind != ProposalKinds.Correction || a.CorrectionId == correctionId));
}

/// <summary>A proposal that was approved: its proposer's recording and its approver's (the one the record shows).</summary>
public sealed record ApprovedProposal(string Kind, Guid? CorrectionId, Recording Proposed, Recording Approved);
