using Tracker.Agreements.Deciding;
using Tracker.Kernel;

namespace Tracker.Registry.Actors;

/// <summary>Another code or name the actor goes by (EUE for EU; "Groupe Renault" for RENAULT), in any script.</summary>
[ImportLine("add-actor-alias", typeof(ActorAliasAdded))]
public sealed record AddActorAlias(string ActorId, string? Alias) : IActorCommand
{
    public IEnumerable<string> AliasesNamed => Alias is null ? [] : [Alias];

    public Outcome Decide(ActorRecord? actor, ActorEntry? builtin, RegistryLookup lookup)
    {
        if ((actor?.Entry ?? builtin) is not { } entry) return ActorChanges.Unknown(ActorId);
        var check = new Checks();
        var aliases = RegisterActor.CheckAliases(check, "aliases", Alias is null ? null : [Alias], ActorId, lookup);
        if (!check.Passed) return Outcome.Invalid([.. check.Errors.Select(e => e with { Field = "alias" })]);
        if (aliases.Count == 0) return Outcome.Invalid("alias", "is required");
        return entry.AliasList.Any(a => NameKey.Of(a) == NameKey.Of(aliases[0]))
            ? new AlreadyDone(actor?.Version ?? 0)
            : Outcome.Append(new ActorAliasAdded(ActorId, aliases[0]));
    }
}

/// <summary>An alias that was wrong (it named another actor); it stops resolving from now on, not before.</summary>
[ImportLine("remove-actor-alias", typeof(ActorAliasRemoved))]
public sealed record RemoveActorAlias(string ActorId, string? Alias, string? Reason) : IActorCommand
{
    public Outcome Decide(ActorRecord? actor, ActorEntry? builtin, RegistryLookup lookup)
    {
        if ((actor?.Entry ?? builtin) is not { } entry) return ActorChanges.Unknown(ActorId);
        var check = new Checks();
        check.Required("alias", Alias, 100);
        check.Required("reason", Reason, Checks.MaxTextLength);
        if (!check.Passed) return Outcome.Invalid(check.Errors);
        return entry.AliasList.FirstOrDefault(a => NameKey.Of(a) == NameKey.Of(Alias!)) is { } held
            ? Outcome.Append(new ActorAliasRemoved(ActorId, held, Reason!.Trim()))
            : Outcome.Invalid("alias", $"'{Alias}' is not an alias of {ActorId}");
    }
}

/// <summary>A new name (a company renamed, a better English form); reports known before it keep the old one.</summary>
[ImportLine("rename-actor", typeof(ActorRenamed))]
public sealed record RenameActor(string ActorId, string? Name, [property: OptionalField] string? Reason = null) : IActorCommand
{
    public Outcome Decide(ActorRecord? actor, ActorEntry? builtin, RegistryLookup lookup)
    {
        if ((actor?.Entry ?? builtin) is not { } entry) return ActorChanges.Unknown(ActorId);
        var check = new Checks();
        check.Required("name", Name, Checks.MaxNameLength);
        check.MaxLength("reason", Reason, Checks.MaxTextLength);
        if (!check.Passed) return Outcome.Invalid(check.Errors);
        return entry.Name == Name!.Trim()
            ? new AlreadyDone(actor?.Version ?? 0)
            : Outcome.Append(new ActorRenamed(ActorId, Name.Trim(), Agreements.OpenAgreement.NullIfBlank(Reason)));
    }
}

/// <summary>Two entries that are one actor: this code and its aliases lead to <see cref="IntoActorId"/> from now on.</summary>
[ImportLine("merge-actor", typeof(ActorMerged))]
public sealed record MergeActor(string ActorId, string? IntoActorId, string? Reason) : IActorCommand
{
    public IEnumerable<string> ActorsNamed => IntoActorId is null ? [] : [IntoActorId];

    public Outcome Decide(ActorRecord? actor, ActorEntry? builtin, RegistryLookup lookup)
    {
        if ((actor?.Entry ?? builtin) is not { } entry) return ActorChanges.Unknown(ActorId);
        var check = new Checks();
        if (RegisterActor.ActorCode(check, "intoActorId", IntoActorId))
        {
            if (IntoActorId == ActorId) check.Fail("intoActorId", "is the actor itself: an actor cannot be merged into itself");
            else if (lookup.Actor(IntoActorId!) is not { } into) check.Fail("intoActorId", $"'{IntoActorId}' is not a registered or built-in actor");
            else if (into.MergedInto is { } further)
                check.Fail("intoActorId", $"'{IntoActorId}' was itself merged into {further}; merge into {further}");
        }
        check.Required("reason", Reason, Checks.MaxTextLength);
        if (!check.Passed) return Outcome.Invalid(check.Errors);
        if (entry.MergedInto == IntoActorId) return new AlreadyDone(actor?.Version ?? 0);
        if (entry.MergedInto is { } already)
            return Outcome.Conflict("actorId", $"'{ActorId}' was already merged into {already}");
        return Outcome.Append(new ActorMerged(ActorId, IntoActorId!, Reason!.Trim()));
    }
}

internal static class ActorChanges
{
    public static Outcome Unknown(string actorId) =>
        Outcome.NotFound("actorId", $"'{actorId}' is neither registered nor built in");
}
