using Npgsql;
using NpgsqlTypes;
using Tracker.Agreements;
using Tracker.Kernel;

namespace Tracker.Registry;

/// <summary>The registry's reads, all answered by PostgreSQL from the registry's own tables.</summary>
public static class RegistryReads
{
    private const string ActorColumns =
        "actor_id, kind, name, country, valid_from, valid_to, aliases, event_code, notes, merged_into";

    internal static ActorEntry ReadActor(NpgsqlDataReader r, int o = 0) => new(
        r.GetString(o), Vocabulary.TryParse<ActorKind>(r.GetString(o + 1), out var kind) ? kind : ActorKind.Other, r.GetString(o + 2),
        r.IsDBNull(o + 3) ? null : r.GetString(o + 3),
        r.IsDBNull(o + 4) ? null : r.GetFieldValue<DateOnly>(o + 4), r.IsDBNull(o + 5) ? null : r.GetFieldValue<DateOnly>(o + 5),
        r.GetFieldValue<string[]>(o + 6), r.IsDBNull(o + 7) ? null : r.GetString(o + 7), r.IsDBNull(o + 8) ? null : r.GetString(o + 8),
        r.IsDBNull(o + 9) ? null : r.GetString(o + 9));

    /// <summary>For a registry write: the current owners of the aliases it names and the registered actors it names.</summary>
    public static async Task<RegistryLookup> LookupAsync(NpgsqlTransaction tx, IEnumerable<string> aliases, IEnumerable<string> actorIds,
        CancellationToken ct)
    {
        var keys = aliases.Where(a => !string.IsNullOrWhiteSpace(a)).Select(NameKey.Of).Distinct().ToArray();
        var ids = actorIds.Concat(aliases.Select(a => a.Trim().ToUpperInvariant())).Where(Storable).Distinct().ToArray();
        var owners = new Dictionary<string, string>(StringComparer.Ordinal);
        var actors = new Dictionary<string, ActorEntry>(StringComparer.Ordinal);
        if (keys.Length == 0 && ids.Length == 0) return new RegistryLookup(owners, actors);
        await using var batch = new NpgsqlBatch(tx.Connection, tx)
        {
            BatchCommands =
            {
                new($"select key, actor_id from {RegistryProjection.ActorKeys} where kind = 'alias' and removed_at is null and key = any($1)")
                    { Parameters = { new() { Value = keys } } },
                new($"select {ActorColumns} from {RegistryProjection.Actors} where actor_id = any($1)") { Parameters = { new() { Value = ids } } },
            },
        };
        await using var reader = await batch.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) owners[reader.GetString(0)] = reader.GetString(1);
        await reader.NextResultAsync(ct);
        while (await reader.ReadAsync(ct)) actors[reader.GetString(0)] = ReadActor(reader);
        return new RegistryLookup(owners, actors);
    }

    /// <summary>Name key → the person it belongs to now, for the names a person write claims.</summary>
    public static async Task<IReadOnlyDictionary<string, string>> PersonKeyOwnersAsync(NpgsqlTransaction tx, IEnumerable<string> names,
        CancellationToken ct)
    {
        var keys = names.Where(n => !string.IsNullOrWhiteSpace(n)).Select(NameKey.Of).Distinct().ToArray();
        var owners = new Dictionary<string, string>(StringComparer.Ordinal);
        if (keys.Length == 0) return owners;
        await using var cmd = new NpgsqlCommand(
            $"select key, person_id from {RegistryProjection.PersonKeys} where removed_at is null and key = any($1)", tx.Connection, tx)
            { Parameters = { new() { Value = keys } } };
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) owners[reader.GetString(0)] = reader.GetString(1);
        return owners;
    }

    /// <summary>
    /// The registry for the codes and person ids a request names, as known at <paramref name="knownAt"/> (now when null):
    /// registered actors and aliases known then, and for codes that resolve to nothing, the closest actors by code,
    /// name or alias. One round trip; nothing but the named codes is read.
    /// </summary>
    /// <param name="first">A statement to run before the reads, in the same round trip (a writer's turn: see
    /// <see cref="Agreements.Storage.Turns"/>); it runs even when there is nothing to read. Its rows are ignored.</param>
    public static async Task<ActorDirectory> DirectoryAsync(NpgsqlConnection connection, NpgsqlTransaction? tx,
        IEnumerable<string?> codes, IEnumerable<string?> personIds, DateTimeOffset? knownAt, CancellationToken ct,
        NpgsqlBatchCommand? first = null)
    {
        // Text PostgreSQL cannot hold (U+0000) resolves to nothing here and is refused by the field checks.
        var given = codes.OfType<string>().Where(c => c.Length is > 0 and <= 100 && Storable(c)).Distinct().ToArray();
        var people = personIds.OfType<string>().Where(Storable).Distinct().ToArray();
        var registered = new Dictionary<string, ActorEntry>(StringComparer.Ordinal);
        var aliases = new Dictionary<string, string>(StringComparer.Ordinal);
        var known = new HashSet<string>(StringComparer.Ordinal);
        if (given.Length == 0 && people.Length == 0)
        {
            if (first is not null)
            {
                await using var alone = new NpgsqlBatch(connection, tx) { BatchCommands = { first } };
                await alone.ExecuteNonQueryAsync(ct);
            }
            return ActorDirectory.BuiltIn;
        }
        var heads = given.SelectMany(c => new[] { c, c.Split('-')[0] }).Distinct().ToArray();
        var keys = heads.Select(NameKey.Of).Distinct().ToArray();
        NpgsqlParameter At() => new() { Value = (object?)knownAt ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.TimestampTz };
        await using var batch = new NpgsqlBatch(connection, tx)
        {
            BatchCommands =
            {
                // The actors named, and the actors the named aliases lead to.
                new($"""
                    select {ActorColumns} from {RegistryProjection.Actors}
                    where ({Among("actor_id", "$1", heads)} or actor_id in (select actor_id from {RegistryProjection.ActorKeys} where {AliasKnown(keys, "$3")}))
                      and ($2::timestamptz is null or registered_at <= $2)
                    """) { Parameters = { new() { Value = heads }, At(), new() { Value = keys } } },
                new($"select key, actor_id from {RegistryProjection.ActorKeys} where {AliasKnown(keys, "$1")}")
                    { Parameters = { new() { Value = keys }, At() } },
                people.Length == 0
                    ? new("select null::text where false") // a write that names no person: nothing to plan each time
                    : new($"select person_id from {RegistryProjection.People} where {Among("person_id", "$1", people)} and ($2::timestamptz is null or registered_at <= $2)")
                        { Parameters = { new() { Value = people }, At() } },
            },
        };
        if (first is not null) batch.BatchCommands.Insert(0, first);
        await using (var reader = await batch.ExecuteReaderAsync(ct))
        {
            if (first is not null) await reader.NextResultAsync(ct);
            while (await reader.ReadAsync(ct)) registered[reader.GetString(0)] = ReadActor(reader);
            await reader.NextResultAsync(ct);
            while (await reader.ReadAsync(ct)) aliases[reader.GetString(0)] = reader.GetString(1);
            await reader.NextResultAsync(ct);
            while (await reader.ReadAsync(ct)) known.Add(reader.GetString(0));
        }
        var directory = new ActorDirectory(registered, aliases, new Dictionary<string, IReadOnlyList<ActorEntry>>(), known);
        var unknown = given.Where(c => directory.Resolve(c).Refusal is not null).ToArray();
        if (unknown.Length == 0) return directory;
        var suggestions = new Dictionary<string, IReadOnlyList<ActorEntry>>(StringComparer.Ordinal);
        foreach (var code in unknown.Take(20)) suggestions[code] = await ClosestAsync(connection, tx, code, ct);
        return new ActorDirectory(registered, aliases, suggestions, known);
    }

    /// <summary>The registry for what an agreement command names, now (a preview outside any write).</summary>
    public static async Task<ActorDirectory> DirectoryAsync(NpgsqlDataSource dataSource, Agreements.Deciding.IAgreementCommand command,
        CancellationToken ct)
    {
        if (!command.ActorCodes.Any() && !command.PersonIds.Any() && !command.DocumentIds.Any()) return ActorDirectory.BuiltIn;
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var actors = await DirectoryAsync(connection, null, command.ActorCodes, command.PersonIds, null, ct);
        return await Agreements.CitedDocuments.WithCitedAsync(actors, connection, null, [command], ct);
    }

    private static bool Storable(string text) => Agreements.Deciding.StorableText.Problem(text) is null;

    /// <summary>An alias key in <paramref name="array"/> that was an alias at $2 (now, when $2 is null).</summary>
    private static string AliasKnown(string[] keys, string array) => $"""
        kind = 'alias' and {Among("key", array, keys)}
          and ($2::timestamptz is null or (added_at <= $2 and (removed_at is null or removed_at > $2)))
          and ($2::timestamptz is not null or removed_at is null)
        """;

    /// <summary>
    /// The column is one of the array parameter's values: by equality when it holds one (a write names one actor, most
    /// often), which PostgreSQL plans once per connection; "= any" of an array it planned again at every write (issue 20).
    /// </summary>
    private static string Among(string column, string array, string[] values) =>
        values.Length == 1 ? $"{column} = ({array})[1]" : $"{column} = any({array})";

    /// <summary>The three actors whose code, name or alias is most like the text (trigram similarity).</summary>
    public static async Task<IReadOnlyList<ActorEntry>> ClosestAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, string text,
        CancellationToken ct)
    {
        var key = NameKey.Of(text);
        if (key.Length < 2) return [];
        await using var cmd = new NpgsqlCommand($"""
            select {ActorColumns} from {Directory} where search % $1 and merged_into is null
            order by similarity(search, $1) desc, actor_id limit 3
            """, connection, tx) { Parameters = { new() { Value = key } } };
        var found = new List<ActorEntry>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) found.Add(ReadActor(reader));
        return found;
    }

    public const string Directory = Infrastructure.TrackerHost.MartenSchema + ".actor_directory";
    public const string Builtins = Infrastructure.TrackerHost.MartenSchema + ".builtin_actors";

    /// <summary>Writes the built-in list to its table when it differs (a new release's list), in one transaction.</summary>
    public static async Task SyncBuiltinsAsync(NpgsqlDataSource dataSource, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using (var count = new NpgsqlCommand($"select count(*) from {Builtins}", connection))
            if ((long)(await count.ExecuteScalarAsync(ct))! == BuiltinActors.ById.Count && await SameAsync(connection, ct)) return;
        await using var tx = await connection.BeginTransactionAsync(ct);
        // Nodes starting together each find the table stale: one rewrites it at a time (the next rewrites it alike).
        await using (var exclusive = new NpgsqlCommand($"lock table {Builtins} in share row exclusive mode", connection, tx))
            await exclusive.ExecuteNonQueryAsync(ct);
        await using (var clear = new NpgsqlCommand($"delete from {Builtins}", connection, tx)) await clear.ExecuteNonQueryAsync(ct);
        await using (var import = await connection.BeginBinaryImportAsync(
                         $"copy {Builtins} (actor_id, kind, name, country, valid_from, valid_to, aliases, event_code, search) from stdin (format binary)", ct))
        {
            foreach (var a in BuiltinActors.ById.Values)
            {
                await import.StartRowAsync(ct);
                await import.WriteAsync(a.Id, ct);
                await import.WriteAsync(Vocabulary.NameOf(a.Kind), ct);
                await import.WriteAsync(a.Name, ct);
                await WriteNullable(import, a.Country, ct);
                await WriteNullable(import, a.ValidFrom, ct);
                await WriteNullable(import, a.ValidTo, ct);
                await import.WriteAsync(a.AliasList.ToArray(), ct);
                await WriteNullable(import, a.EventCode, ct);
                await import.WriteAsync(SearchText(a), ct);
            }
            await import.CompleteAsync(ct);
        }
        await tx.CommitAsync(ct);
    }

    /// <summary>
    /// Statements stored before speakers had name keys get them: one update per distinct spelling, only once (later
    /// statements get theirs as they are recorded).
    /// </summary>
    public static async Task BackfillSpeakerKeysAsync(NpgsqlDataSource dataSource, CancellationToken ct)
    {
        var table = Search.StatementSearchProjection.Table;
        var names = new List<string>();
        await using (var cmd = dataSource.CreateCommand($"select distinct speaker from {table} where speaker_key is null"))
        await using (var reader = await cmd.ExecuteReaderAsync(ct))
            while (await reader.ReadAsync(ct)) names.Add(reader.GetString(0));
        if (names.Count == 0) return;
        await using var update = dataSource.CreateCommand(
            $"update {table} t set speaker_key = k.key from unnest($1::text[], $2::text[]) k(name, key) where t.speaker = k.name and t.speaker_key is null");
        update.Parameters.Add(new() { Value = names.ToArray() });
        update.Parameters.Add(new() { Value = names.Select(NameKey.Of).ToArray() });
        await update.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Cheap guard: the table holds exactly the list's codes and names.</summary>
    private static async Task<bool> SameAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand($"select md5(string_agg(actor_id || '|' || name || '|' || search, ',' order by actor_id)) from {Builtins}", connection);
        var stored = (string?)await cmd.ExecuteScalarAsync(ct);
        var expected = Convert.ToHexStringLower(System.Security.Cryptography.MD5.HashData(System.Text.Encoding.UTF8.GetBytes(
            string.Join(',', BuiltinActors.ById.Values.OrderBy(a => a.Id, StringComparer.Ordinal).Select(a => $"{a.Id}|{a.Name}|{SearchText(a)}")))));
        return stored == expected;
    }

    internal static string SearchText(ActorEntry a) =>
        string.Join(' ', new[] { a.Id.ToLowerInvariant(), NameKey.Of(a.Name) }.Concat(a.AliasList.Select(NameKey.Of)));

    private static async Task WriteNullable<T>(NpgsqlBinaryImporter import, T? value, CancellationToken ct) where T : struct
    {
        if (value is { } v) await import.WriteAsync(v, ct);
        else await import.WriteNullAsync(ct);
    }

    private static async Task WriteNullable(NpgsqlBinaryImporter import, string? value, CancellationToken ct)
    {
        if (value is not null) await import.WriteAsync(value, ct);
        else await import.WriteNullAsync(ct);
    }
}
