using Marten;
using Npgsql;
using Tracker.Agreements.Storage;

namespace Tracker.Infrastructure.Database;

/// <summary>
/// Inline projections are written with each append, so they are only ever behind the events when a migration
/// introduced them over existing data. Then they are rebuilt from the events once, before anything reads them.
/// </summary>
public static class InlineProjectionBackfill
{
    /// <summary>
    /// What the service does before anything else at start, and every verb that reads or writes the store: the
    /// committed migrations, then any documents they introduced over existing events.
    /// </summary>
    public static async Task BringStoreUpToDateAsync(IDocumentStore store, string connectionString, Action<string> log,
        CancellationToken ct = default)
    {
        await Migrations.ApplyAsync(connectionString, log, ct);
        await RunAsync(store, connectionString, log, ct);
    }

    private static async Task RunAsync(IDocumentStore store, string connectionString, Action<string> log, CancellationToken ct)
    {
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync(ct);
        if (!await BehindAsync(conn, ct)) return;

        // One process rebuilds; any other starting meanwhile waits here, then finds nothing left to do.
        await Migrations.Execute(conn, null, $"select pg_advisory_lock({LockKey})", ct);
        try
        {
            if (!await BehindAsync(conn, ct)) return;
            log("Agreement headers and statements are behind the events (a migration introduced them): rebuilding them from the events…");
            using var daemon = await store.BuildProjectionDaemonAsync();
            await daemon.RebuildProjectionAsync("AgreementHeader", TimeSpan.FromMinutes(10), ct);
            await daemon.RebuildProjectionAsync(StatementEntryProjection.ProjectionName, TimeSpan.FromMinutes(10), ct);
            log("Rebuilt.");
        }
        finally
        {
            await Migrations.Execute(conn, null, $"select pg_advisory_unlock({LockKey})", CancellationToken.None);
        }
    }

    private const long LockKey = Migrations.AdvisoryLockKey + 1;

    private static async Task<bool> BehindAsync(NpgsqlConnection conn, CancellationToken ct)
    {
        const string schema = TrackerHost.MartenSchema;
        await using var cmd = new NpgsqlCommand($"""
            select (select count(*) from {schema}.mt_streams) > (select count(*) from {schema}.mt_doc_agreementheader)
                or (select count(*) from {schema}.mt_events where type = 'statement_recorded')
                   > (select count(*) from {schema}.mt_doc_statemententry)
            """, conn);
        return (bool)(await cmd.ExecuteScalarAsync(ct))!;
    }
}
