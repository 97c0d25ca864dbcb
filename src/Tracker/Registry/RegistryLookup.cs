using Tracker.Kernel;

namespace Tracker.Registry;

/// <summary>
/// What a registry write needs to know beyond the stream it writes: which actor (if any) each alias it names
/// belongs to, and which actors it names exist. Read by the writer inside the write's turn, so it cannot go stale.
/// </summary>
public sealed class RegistryLookup(
    IReadOnlyDictionary<string, string> aliasOwners, IReadOnlyDictionary<string, ActorEntry> actors)
{
    /// <summary>The actor an alias (any spelling) belongs to now, or an actor whose code it is.</summary>
    public string? OwnerOf(string alias)
    {
        var key = NameKey.Of(alias);
        if (aliasOwners.TryGetValue(key, out var owner)) return owner;
        if (BuiltinActors.ByAlias.TryGetValue(key, out var builtin)) return builtin;
        var asCode = alias.Trim().ToUpperInvariant();
        return Actor(asCode) is not null ? asCode : null;
    }

    public ActorEntry? Actor(string actorId) => actors.GetValueOrDefault(actorId) ?? BuiltinActors.Find(actorId);
}
