using Marten;
using Npgsql;
using Tracker.Agreements.Storage;
using Tracker.Portfolio;

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
        if (await CheckedAsync(conn, ct) && !await MarkedAsync(conn, InterruptedRebuild, ct)) return;

        // One process checks (and rebuilds if need be); any other starting meanwhile waits here, then finds it done.
        await Migrations.Execute(conn, null, $"select pg_advisory_lock({LockKey})", ct);
        try
        {
            var interrupted = await MarkedAsync(conn, InterruptedRebuild, ct);
            if (interrupted)
            {
                // The mark is also there while a rebuild runs (a verb started beside it): wait for it to end first.
                await using (var wait = new NpgsqlCommand($"select pg_advisory_lock_shared({ServingLease.Key})", conn) { CommandTimeout = 0 })
                    await wait.ExecuteNonQueryAsync(ct);
                await Migrations.Execute(conn, null, $"select pg_advisory_unlock_shared({ServingLease.Key})", ct);
                interrupted = await MarkedAsync(conn, InterruptedRebuild, ct);
            }
            if (await CheckedAsync(conn, ct) && !interrupted) return;
            if (interrupted || await BehindAsync(conn, ct))
            {
                log(interrupted
                    ? "A projection rebuild was interrupted before it finished, so what it emptied is incomplete: rebuilding agreement headers, statements, the portfolio and the search index from the events…"
                    : "Agreement headers, statements, the portfolio or the search index are behind the events (a migration introduced them): rebuilding them from the events…");
                try
                {
                    using var daemon = await store.BuildProjectionDaemonAsync();
                    await daemon.RebuildProjectionAsync("AgreementHeader", TimeSpan.FromMinutes(10), ct);
                    await daemon.RebuildProjectionAsync(StatementEntryProjection.ProjectionName, TimeSpan.FromMinutes(10), ct);
                    await daemon.RebuildProjectionAsync(PortfolioProjection.ProjectionName, TimeSpan.FromMinutes(30), ct);
                    await daemon.RebuildProjectionAsync(Search.StatementSearchProjection.ProjectionName, TimeSpan.FromMinutes(10), ct);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    throw new InvalidOperationException("Rebuilding the projections at start failed. Run 'projections rebuild' " +
                        $"(it allows statements as long as a large store needs), then start again. The cause: {e.Message}", e);
                }
                log("Rebuilt.");
            }
            await MarkAsync(conn, Marker, ct);
            await UnmarkAsync(conn, InterruptedRebuild, ct);
        }
        finally
        {
            await Migrations.Execute(conn, null, $"select pg_advisory_unlock({LockKey})", CancellationToken.None);
        }
    }

    private const long LockKey = Migrations.AdvisoryLockKey + 1;

    /// <summary>
    /// Inline documents can only fall behind the events when a migration introduces them, so the comparison runs once
    /// per set of migrations and its result is recorded: a start never repeats it, and nothing in the log (tombstones
    /// included) can make every start rebuild.
    /// </summary>
    private static string Marker => "documents checked after " + Migrations.Embedded[^1].Name;

    private static Task<bool> CheckedAsync(NpgsqlConnection conn, CancellationToken ct) => MarkedAsync(conn, Marker, ct);

    /// <summary>
    /// Written when <c>projections rebuild</c> starts and removed when it succeeds. Found at start, it means a rebuild
    /// died (killed, out of memory, a lost connection) after emptying tables it had not refilled: the next start
    /// rebuilds them before anything reads them, instead of serving a portfolio with holes.
    /// </summary>
    private const string InterruptedRebuild = "projection rebuild started and not finished";

    public static async Task RebuildStartingAsync(string connectionString, Action<string> log, CancellationToken ct = default)
    {
        await Migrations.ApplyAsync(connectionString, log, ct);
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync(ct);
        await MarkAsync(conn, InterruptedRebuild, ct);
    }

    public static async Task RebuildFinishedAsync(string connectionString, CancellationToken ct = default)
    {
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync(ct);
        await UnmarkAsync(conn, InterruptedRebuild, ct);
    }

    private static async Task<bool> MarkedAsync(NpgsqlConnection conn, string name, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("select exists (select 1 from public.tracker_migrations where name = $1)", conn)
        {
            Parameters = { new() { Value = name } },
        };
        return (bool)(await cmd.ExecuteScalarAsync(ct))!;
    }

    private static async Task MarkAsync(NpgsqlConnection conn, string name, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            "insert into public.tracker_migrations(name, checksum) values ($1, '') on conflict (name) do nothing", conn)
        {
            Parameters = { new() { Value = name } },
        };
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private static async Task UnmarkAsync(NpgsqlConnection conn, string name, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("delete from public.tracker_migrations where name = $1", conn)
        {
            Parameters = { new() { Value = name } },
        };
        await cmd.ExecuteNonQueryAsync(ct);
    }

    internal static async Task<bool> BehindAsync(NpgsqlConnection conn, CancellationToken ct)
    {
        const string schema = TrackerHost.MartenSchema;
        await using var cmd = new NpgsqlCommand($"""
            -- Agreements' streams only: an agreement's captured sources have a stream of their own ('sources:' + its id,
            -- Sources.SourceLog), without a header; counted, every new migration rebuilt a store that had captured any.
            select (select count(*) from {schema}.mt_streams where id <> '{Tombstones.StreamKey}' and id not like 'sources:%')
                   > (select count(*) from {schema}.mt_doc_agreementheader)
                or (select count(*) from {schema}.mt_events where type = 'statement_recorded')
                   > (select count(*) from {schema}.mt_doc_statemententry)
                or (select count(*) from {schema}.mt_events where type = 'agreement_opened')
                   > (select count(*) from {PortfolioRows.Agreements})
                or (select count(*) from {schema}.mt_events where type = 'commitment_added')
                   > (select count(*) from {schema}.mt_doc_commitmentfile)
                or (select count(*) from {schema}.mt_events where type = 'statement_recorded')
                   > (select count(*) from {Search.StatementSearchProjection.Table} where counted)
                -- Proposals made before the search index kept them (migration 0021) have no row yet.
                or exists (select 1 from {schema}.mt_doc_statementproposal p where p.data ->> 'kind' = 'statement'
                           and not exists (select 1 from {Search.StatementSearchProjection.Table} q
                                           where q.agreement_id = p.data ->> 'agreementId' and q.statement_id = (p.data ->> 'statementId')::uuid))
            """, conn);
        return (bool)(await cmd.ExecuteScalarAsync(ct))!;
    }
}
