using JasperFx.Events;

namespace Tracker.Registry.Actors;

/// <summary>One registered actor as its stream has it (kept inline: a write decides on it).</summary>
public sealed class ActorRecord
{
    /// <summary>The stream key, <c>actor:CODE</c>.</summary>
    public string Id { get; set; } = "";
    public long Version { get; set; }
    public ActorEntry Entry { get; set; } = null!;
    public DateTimeOffset RegisteredAt { get; set; }
    public string? RegisteredBy { get; set; }

    public static ActorRecord Create(IEvent<ActorRegistered> e) => new()
    {
        Id = ActorStreams.KeyOf(e.Data.ActorId),
        Entry = new ActorEntry(e.Data.ActorId, e.Data.Kind, e.Data.Name, e.Data.Country, e.Data.ValidFrom, e.Data.ValidTo,
            e.Data.Aliases, e.Data.EventCode, e.Data.Notes),
        RegisteredAt = e.Timestamp,
        RegisteredBy = e.UserName,
    };

    public void Apply(ActorRenamed e) => Entry = Entry with { Name = e.Name };
    public void Apply(ActorAliasAdded e) => Entry = Entry with { Aliases = [.. Entry.AliasList, e.Alias] };
    public void Apply(ActorAliasRemoved e) =>
        Entry = Entry with { Aliases = [.. Entry.AliasList.Where(a => Kernel.NameKey.Of(a) != Kernel.NameKey.Of(e.Alias))] };
    public void Apply(ActorMerged e) => Entry = Entry with { MergedInto = e.IntoActorId };
}
