using Tracker.Agreements.Deciding;

namespace Tracker.Agreements;

/// <summary>Whether statements on the agreement count only once a second person approved them (four-eyes review):
/// <see cref="SetReview.Required"/> or <see cref="SetReview.None"/>, in the words of the request.</summary>
public sealed record AgreementReviewSet(string AgreementId, string Review)
{
    [System.Text.Json.Serialization.JsonIgnore]
    public bool Required => Review == SetReview.Required;
}

/// <summary>
/// A statement recorded on an agreement that requires review: stored and shown, but no reading of the status rule counts
/// it until it is approved (its approval records it, <see cref="StatementRecorded"/>, at the approval's record time).
/// Its import line is a record-statement line: importing it again proposes it again.
/// </summary>
public sealed record StatementProposed(string AgreementId, Guid StatementId, StatementContent Content) : IImportLineParts
{
    IEnumerable<object> IImportLineParts.ImportLineParts => [new { AgreementId, StatementId }, Content];
}

/// <summary>A correction awaiting review; the approved reading stands until it is approved.</summary>
public sealed record CorrectionProposed(
    string AgreementId, Guid StatementId, StatementChanges Changes, string Reason, Guid CorrectionId);

/// <summary>A retraction awaiting review; the statement keeps counting until it is approved.</summary>
public sealed record RetractionProposed(string AgreementId, Guid StatementId, string Reason);

/// <summary>
/// A reviewer's decision on the proposal open on a statement, in the words of the request (<see cref="ReviewDecisions"/>).
/// An approval is appended together with the event that makes the proposal count.
/// </summary>
public sealed record StatementReviewed(string AgreementId, Guid StatementId, string Decision, string? Reason);

/// <summary>The review events whose author is part of what they say (a proposer, a reviewer): an export names them.</summary>
public static class ReviewEvents
{
    public static bool IsProposal(object e) => e is StatementProposed or CorrectionProposed or RetractionProposed;

    public static bool NamesItsAuthor(object e) => IsProposal(e) || e is StatementReviewed;
}

public static class ReviewDecisions
{
    public const string Approve = "approve";
    public const string Return = "return";
    public const string Reject = "reject";
    public static readonly IReadOnlyList<string> All = [Approve, Return, Reject];
}

/// <summary>What a proposal would do to its statement.</summary>
public static class ProposalKinds
{
    public const string Statement = "statement";
    public const string Correction = "correction";
    public const string Retraction = "retraction";
}

/// <summary>Where a proposal stands: awaiting a reviewer, or decided.</summary>
public static class ProposalStates
{
    public const string Awaiting = "awaiting";
    public const string Approved = "approved";
    public const string Returned = "returned";
    public const string Rejected = "rejected";
    public static readonly IReadOnlyList<string> All = [Awaiting, Approved, Returned, Rejected];
}
