using JasperFx.Events;
using Marten;
using Marten.Events.Projections;
using Tracker.Infrastructure;
using Tracker.Kernel;
using Tracker.Registry.Actors;
using Tracker.Registry.People;

namespace Tracker.Registry;

/// <summary>
/// Keeps the registry's tables with every append (inline): one row per registered actor and person, and every name
/// and alias with the record-time range it was known in, so reads resolve a spelling as it was known at any instant.
/// Name keys (<see cref="NameKey"/>) are computed here, once, so SQL compares them as plain text.
/// </summary>
public sealed class RegistryProjection : IProjection
{
    public const string ProjectionName = "Registry";
    private const string S = TrackerHost.MartenSchema;
    public const string Actors = S + ".registry_actors", ActorKeys = S + ".registry_actor_keys", People = S + ".registry_people",
        PersonKeys = S + ".registry_person_keys", PersonRoles = S + ".registry_person_roles";
    public static readonly string[] Tables = [Actors, ActorKeys, People, PersonKeys, PersonRoles];

    public Task ApplyAsync(IDocumentOperations operations, IReadOnlyList<IEvent> events, CancellationToken ct)
    {
        foreach (var e in events)
        {
            var at = e.Timestamp;
            switch (e.Data)
            {
                case ActorRegistered r:
                    operations.QueueSqlCommand($"""
                        insert into {Actors} (actor_id, kind, name, country, valid_from, valid_to, notes, event_code, aliases,
                                              merged_into, builtin, registered_at, registered_by, changed_at, search)
                        values (?, ?, ?, ?, ?, ?, ?, ?, ?, null, ?, ?, ?, ?, '')
                        on conflict (actor_id) do nothing
                        """, r.ActorId, Agreements.Vocabulary.NameOf(r.Kind), r.Name, Db(r.Country), Db(r.ValidFrom), Db(r.ValidTo),
                        Db(r.Notes), Db(r.EventCode), r.Aliases.ToArray(), r.FromBuiltinList, at, Db(e.UserName), at);
                    AddActorKey(operations, r.ActorId, "name", r.Name, at);
                    foreach (var alias in r.Aliases) AddActorKey(operations, r.ActorId, "alias", alias, at);
                    ActorSearch(operations, r.ActorId, at);
                    break;
                case ActorRenamed x:
                    operations.QueueSqlCommand($"update {Actors} set name = ? where actor_id = ?", x.Name, x.ActorId);
                    EndActorKeys(operations, x.ActorId, "name", null, at);
                    AddActorKey(operations, x.ActorId, "name", x.Name, at);
                    ActorSearch(operations, x.ActorId, at);
                    break;
                case ActorAliasAdded x:
                    operations.QueueSqlCommand($"update {Actors} set aliases = array_append(aliases, ?) where actor_id = ?", x.Alias, x.ActorId);
                    AddActorKey(operations, x.ActorId, "alias", x.Alias, at);
                    ActorSearch(operations, x.ActorId, at);
                    break;
                case ActorAliasRemoved x:
                    operations.QueueSqlCommand($"update {Actors} set aliases = array_remove(aliases, ?) where actor_id = ?", x.Alias, x.ActorId);
                    EndActorKeys(operations, x.ActorId, "alias", NameKey.Of(x.Alias), at);
                    ActorSearch(operations, x.ActorId, at);
                    break;
                case ActorMerged x:
                    operations.QueueSqlCommand($"update {Actors} set merged_into = ?, changed_at = ? where actor_id = ?", x.IntoActorId, at, x.ActorId);
                    break;
                case PersonRegistered p:
                    operations.QueueSqlCommand($"""
                        insert into {People} (person_id, name, aliases, notes, registered_at, registered_by, changed_at, search)
                        values (?, ?, ?, ?, ?, ?, ?, '') on conflict (person_id) do nothing
                        """, p.PersonId, p.Name, p.Aliases.ToArray(), Db(p.Notes), at, Db(e.UserName), at);
                    foreach (var name in p.Aliases.Prepend(p.Name)) AddPersonKey(operations, p.PersonId, name, at);
                    foreach (var role in p.Roles) AddRole(operations, p.PersonId, role, at);
                    PersonSearch(operations, p.PersonId, at);
                    break;
                case PersonAliasAdded x:
                    operations.QueueSqlCommand($"update {People} set aliases = array_append(aliases, ?) where person_id = ?", x.Alias, x.PersonId);
                    AddPersonKey(operations, x.PersonId, x.Alias, at);
                    PersonSearch(operations, x.PersonId, at);
                    break;
                case PersonRoleAdded x:
                    AddRole(operations, x.PersonId, x.Role, at);
                    operations.QueueSqlCommand($"update {People} set changed_at = ? where person_id = ?", at, x.PersonId);
                    break;
            }
        }
        return Task.CompletedTask;
    }

    private static void AddActorKey(IDocumentOperations o, string actorId, string kind, string written, DateTimeOffset at) =>
        o.QueueSqlCommand($"insert into {ActorKeys} (actor_id, kind, written, key, added_at) values (?, ?, ?, ?, ?)",
            actorId, kind, written, NameKey.Of(written), at);

    private static void EndActorKeys(IDocumentOperations o, string actorId, string kind, string? key, DateTimeOffset at) =>
        o.QueueSqlCommand($"update {ActorKeys} set removed_at = ? where actor_id = ? and kind = ? and removed_at is null and (? or key = ?)",
            at, actorId, kind, key is null, key ?? "");

    /// <summary>What a search looks in: the code and every current name and alias, as matched.</summary>
    private static void ActorSearch(IDocumentOperations o, string actorId, DateTimeOffset at) =>
        o.QueueSqlCommand($"""
            update {Actors} set changed_at = ?, search = lower(actor_id) || ' ' ||
                coalesce((select string_agg(key, ' ') from {ActorKeys} k where k.actor_id = ? and k.removed_at is null), '')
            where actor_id = ?
            """, at, actorId, actorId);

    private static void AddPersonKey(IDocumentOperations o, string personId, string written, DateTimeOffset at) =>
        o.QueueSqlCommand($"insert into {PersonKeys} (person_id, written, key, added_at) values (?, ?, ?, ?)",
            personId, written, NameKey.Of(written), at);

    private static void PersonSearch(IDocumentOperations o, string personId, DateTimeOffset at) =>
        o.QueueSqlCommand($"""
            update {People} set changed_at = ?, search = person_id || ' ' ||
                coalesce((select string_agg(key, ' ') from {PersonKeys} k where k.person_id = ? and k.removed_at is null), '')
            where person_id = ?
            """, at, personId, personId);

    private static void AddRole(IDocumentOperations o, string personId, PersonRole role, DateTimeOffset at) =>
        o.QueueSqlCommand($"insert into {PersonRoles} (person_id, role, actor, from_date, to_date, added_at) values (?, ?, ?, ?, ?, ?)",
            personId, role.Role, Db(role.Actor), Db(role.From), Db(role.To), at);

    private static object Db(string? value) => value is null ? DBNull.Value : value;
    private static object Db(DateOnly? value) => value is null ? DBNull.Value : value.Value;
}
