using Tracker.Kernel;

namespace Tracker.Agreements.Deciding;


public enum RejectionKind
{
    /// <summary>The request itself is wrong (400).</summary>
    Invalid,
    /// <summary>The agreement, commitment or statement it names does not exist (404).</summary>
    NotFound,
    /// <summary>It contradicts what is recorded, e.g. a statement id reused for different content (409).</summary>
    Conflict,
    /// <summary>The user may not do this, whatever their role: a proposer deciding their own proposal (403).</summary>
    Forbidden,
}

/// <summary>What a decider concluded: events to append, "already done", or a rejection with reasons.</summary>
public abstract record Outcome
{
    public static Outcome Append(params object[] events) => new Accepted(events);
    public static Outcome Invalid(IReadOnlyList<FieldError> errors) => new Rejected(RejectionKind.Invalid, errors);
    public static Outcome Invalid(string field, string reason) => Invalid([new FieldError(field, reason)]);
    public static Outcome NotFound(string field, string reason) =>
        new Rejected(RejectionKind.NotFound, [new FieldError(field, reason)]);
    public static Outcome Conflict(string field, string reason) =>
        new Rejected(RejectionKind.Conflict, [new FieldError(field, reason)]);
    public static Outcome Forbidden(string field, string reason) =>
        new Rejected(RejectionKind.Forbidden, [new FieldError(field, reason)]);
}

public sealed record Accepted(IReadOnlyList<object> Events) : Outcome;

/// <summary>An idempotent repeat: nothing to append; the original result stands (<see cref="Awaiting"/>: a proposal that
/// still awaits review).</summary>
public sealed record AlreadyDone(long Version, bool Awaiting = false) : Outcome;

public sealed record Rejected(RejectionKind Kind, IReadOnlyList<FieldError> Errors) : Outcome;
