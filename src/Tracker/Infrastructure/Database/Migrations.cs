using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using Npgsql;

namespace Tracker.Infrastructure.Database;

/// <summary>One SQL file from <c>migrations/</c>, embedded in the executable so a published build carries it.</summary>
public sealed record Migration(string Name, string Sql)
{
    public string Checksum { get; } = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(Sql))).ToLowerInvariant();
}

/// <summary>
/// Applies the committed migration files in name order, each in its own transaction together with its row in
/// <c>public.tracker_migrations</c>. Refuses to run when an applied file has since been edited.
/// </summary>
public static class Migrations
{
    internal const long AdvisoryLockKey = 0x7472_6163_6b65_72; // "tracker"

    public static IReadOnlyList<Migration> Embedded { get; } = Load();

    /// <summary>
    /// Migrations that were applied under another name. Two files once shared the number 0006, so which ran first was
    /// only the order of their names; the data-protection keys' table, which nothing else depends on, now comes after
    /// the others. The file is unchanged (the same checksum): a store that applied it under the old name has it.
    /// </summary>
    internal static readonly IReadOnlyList<(string Before, string Now)> Renamed =
    [
        ("0006_data-protection-keys.sql", "0009_data-protection-keys.sql"),
    ];

    private static IReadOnlyList<Migration> Load()
    {
        var assembly = typeof(Migrations).Assembly;
        return assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith("migrations/", StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal)
                        && !n.EndsWith(".drop.sql", StringComparison.Ordinal))
            .OrderBy(n => n, StringComparer.Ordinal)
            .Select(n => new Migration(Path.GetFileName(n), Read(assembly, n)))
            .ToList();
    }

    private static string Read(Assembly assembly, string name)
    {
        using var stream = assembly.GetManifestResourceStream(name)!;
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }

    public static async Task<IReadOnlyList<string>> ApplyAsync(string connectionString, Action<string> log,
        CancellationToken ct = default)
    {
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync(ct);
        await Execute(conn, null, """
            create table if not exists public.tracker_migrations (
                name text primary key,
                checksum text not null,
                applied_at timestamptz not null default now())
            """, ct);
        // Two processes starting at once must not both apply the same file.
        await Execute(conn, null, $"select pg_advisory_lock({AdvisoryLockKey})", ct);
        try
        {
            await RecordRenamedAsync(conn, log, ct);
            var applied = await AppliedAsync(conn, ct);
            var newlyApplied = new List<string>();
            foreach (var migration in Embedded)
            {
                if (applied.TryGetValue(migration.Name, out var checksum))
                {
                    if (checksum != migration.Checksum)
                        throw new InvalidOperationException(
                            $"Migration {migration.Name} was changed after it was applied to this database. " +
                            "Never edit an applied migration: add a new file instead.");
                    continue;
                }

                await using var tx = await conn.BeginTransactionAsync(ct);
                await Execute(conn, tx, migration.Sql, ct);
                await using (var record = new NpgsqlCommand(
                                 "insert into public.tracker_migrations(name, checksum) values ($1, $2)", conn, tx))
                {
                    record.Parameters.Add(new() { Value = migration.Name });
                    record.Parameters.Add(new() { Value = migration.Checksum });
                    await record.ExecuteNonQueryAsync(ct);
                }
                await tx.CommitAsync(ct);
                log($"Applied migration {migration.Name}.");
                newlyApplied.Add(migration.Name);
            }
            return newlyApplied;
        }
        finally
        {
            await Execute(conn, null, $"select pg_advisory_unlock({AdvisoryLockKey})", CancellationToken.None);
        }
    }

    /// <summary>
    /// Records each renamed migration this store applied under its old name under its new name too, with the
    /// checksum and time it was applied. The old row stays: an earlier Tracker still serving the store (during a
    /// rolling upgrade) looks for that name, and would otherwise report its schema as behind.
    /// </summary>
    private static async Task RecordRenamedAsync(NpgsqlConnection conn, Action<string> log, CancellationToken ct)
    {
        foreach (var (before, now) in Renamed)
        {
            await using var record = new NpgsqlCommand("""
                insert into public.tracker_migrations(name, checksum, applied_at)
                select $2, checksum, applied_at from public.tracker_migrations where name = $1
                on conflict (name) do nothing
                """, conn);
            record.Parameters.Add(new() { Value = before });
            record.Parameters.Add(new() { Value = now });
            if (await record.ExecuteNonQueryAsync(ct) > 0) log($"Recorded migration {before}, applied earlier, under its new name {now}.");
        }
    }

    /// <summary>Names of embedded migrations not yet applied (empty when the schema is current).</summary>
    public static async Task<IReadOnlyList<string>> PendingAsync(NpgsqlConnection conn, CancellationToken ct)
    {
        var applied = await AppliedAsync(conn, ct);
        return Embedded.Where(m => !applied.ContainsKey(m.Name)).Select(m => m.Name).ToList();
    }

    private static async Task<Dictionary<string, string>> AppliedAsync(NpgsqlConnection conn, CancellationToken ct)
    {
        var applied = new Dictionary<string, string>();
        await using var exists = new NpgsqlCommand("select to_regclass('public.tracker_migrations') is not null", conn);
        if (!(bool)(await exists.ExecuteScalarAsync(ct))!) return applied;
        await using var cmd = new NpgsqlCommand("select name, checksum from public.tracker_migrations", conn);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) applied[reader.GetString(0)] = reader.GetString(1);
        return applied;
    }

    internal static async Task Execute(NpgsqlConnection conn, NpgsqlTransaction? tx, string sql, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(sql, conn, tx);
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
