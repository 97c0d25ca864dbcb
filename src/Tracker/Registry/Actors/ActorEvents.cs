namespace Tracker.Registry.Actors;

/// <summary>
/// An actor enters the registry: registered by an analyst, or a built-in actor taken in on its first change
/// (<see cref="FromBuiltinList"/>), so that its stream holds everything the registry has said about it.
/// </summary>
public sealed record ActorRegistered(
    string ActorId,
    ActorKind Kind,
    string Name,
    string? Country,
    DateOnly? ValidFrom,
    DateOnly? ValidTo,
    string? Notes,
    string? EventCode,
    IReadOnlyList<string> Aliases,
    bool FromBuiltinList = false) : Agreements.Deciding.IImportLineParts
{
    /// <summary>As registered: a built-in actor's taking-in is not exported (its first change takes it in again).</summary>
    IEnumerable<object> Agreements.Deciding.IImportLineParts.ImportLineParts =>
        [new { ActorId, Kind, Name, Country, ValidFrom, ValidTo, Notes, EventCode, Aliases }];
}

public sealed record ActorRenamed(string ActorId, string Name, string? Reason);

public sealed record ActorAliasAdded(string ActorId, string Alias);

public sealed record ActorAliasRemoved(string ActorId, string Alias, string Reason);

/// <summary>Two entries were one actor: this one's code and aliases now lead to <see cref="IntoActorId"/>. What was recorded under it stays.</summary>
public sealed record ActorMerged(string ActorId, string IntoActorId, string Reason);

public static class ActorStreams
{
    public const string Prefix = "actor:";
    public static string KeyOf(string actorId) => Prefix + actorId;
    public static IReadOnlyList<Type> EventTypes { get; } =
        [typeof(ActorRegistered), typeof(ActorRenamed), typeof(ActorAliasAdded), typeof(ActorAliasRemoved), typeof(ActorMerged)];
}
