using Npgsql;
using NpgsqlTypes;
using Tracker.Kernel;

namespace Tracker.Registry.People;

/// <summary>
/// The registry's people behind the speakers a report cites: linked by id, or by a name or alias the speaker's name
/// matches (case and accents folded), as the registry stood at the report's instant (now when none). One round trip.
/// </summary>
public sealed class SpeakerPeople
{
    private readonly Dictionary<string, PersonRecord> _byKey = new(StringComparer.Ordinal);
    private readonly Dictionary<string, PersonRecord> _byId = new(StringComparer.Ordinal);

    public static readonly SpeakerPeople None = new();

    /// <summary>The speaker's person: their explicit link first, else the person their name is a spelling of.</summary>
    public PersonRecord? Of(Agreements.Speaker speaker) =>
        speaker.PersonId is { } id ? _byId.GetValueOrDefault(id) : _byKey.GetValueOrDefault(NameKey.Of(speaker.Name));

    public static async Task<SpeakerPeople> ReadAsync(NpgsqlConnection conn, IReadOnlyCollection<Agreements.Speaker> speakers,
        DateTimeOffset? knownAt, CancellationToken ct)
    {
        var keys = speakers.Select(s => NameKey.Of(s.Name)).Where(k => k.Length > 0).Distinct().ToArray();
        var ids = speakers.Select(s => s.PersonId).OfType<string>().Distinct().ToArray();
        var found = new SpeakerPeople();
        if (keys.Length == 0 && ids.Length == 0) return found;
        NpgsqlParameter At() => new() { Value = (object?)knownAt ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.TimestampTz };
        const string known = "($3::timestamptz is null or {0}.added_at <= $3 and ({0}.removed_at is null or {0}.removed_at > $3)) " +
                             "and ($3::timestamptz is not null or {0}.removed_at is null)";
        await using var batch = new NpgsqlBatch(conn)
        {
            BatchCommands =
            {
                // Who each key or id is: (key or null, person, name).
                new($"""
                    select k.key, p.person_id, p.name from {RegistryProjection.PersonKeys} k
                    join {RegistryProjection.People} p on p.person_id = k.person_id
                    where k.key = any($1) and {string.Format(known, "k")}
                    union all
                    select null, p.person_id, p.name from {RegistryProjection.People} p
                    where p.person_id = any($2) and ($3::timestamptz is null or p.registered_at <= $3)
                    """) { Parameters = { new() { Value = keys }, new() { Value = ids }, At() } },
                new($"""
                    select r.person_id, r.role, r.actor, r.from_date, r.to_date from {RegistryProjection.PersonRoles} r
                    where (r.person_id = any($2) or r.person_id in (select k.person_id from {RegistryProjection.PersonKeys} k
                            where k.key = any($1) and {string.Format(known, "k")}))
                      and ($3::timestamptz is null or r.added_at <= $3)
                    """) { Parameters = { new() { Value = keys }, new() { Value = ids }, At() } },
            },
        };
        var people = new Dictionary<string, PersonRecord>(StringComparer.Ordinal);
        await using var reader = await batch.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var id = reader.GetString(1);
            if (!people.TryGetValue(id, out var person)) people[id] = person = new PersonRecord { PersonId = id, Name = reader.GetString(2) };
            if (reader.IsDBNull(0)) found._byId[id] = person;
            else found._byKey[reader.GetString(0)] = person;
        }
        await reader.NextResultAsync(ct);
        while (await reader.ReadAsync(ct))
            if (people.TryGetValue(reader.GetString(0), out var person))
                person.Roles.Add(new PersonRole(reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2),
                    reader.IsDBNull(3) ? null : reader.GetFieldValue<DateOnly>(3), reader.IsDBNull(4) ? null : reader.GetFieldValue<DateOnly>(4)));
        return found;
    }
}
