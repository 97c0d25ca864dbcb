using Microsoft.Extensions.Options;
using Npgsql;
using Wolverine;

namespace Tracker.Sources;

/// <summary>
/// Fetching sources again to see whether they drifted: a job of the next round for each statement whose latest capture
/// (of its current URL) is older than a given age, or that was never captured, optionally within one agreement.
/// The jobs are rows like the first captures', so a recheck survives a restart and runs once per round.
/// </summary>
public static class Recheck
{
    /// <summary>Statements looked at per statement: a million statements are a thousand short transactions, not one.</summary>
    public const int Batch = 1_000;

    public static async Task<int> ScheduleAsync(NpgsqlDataSource dataSource, string? agreementId, TimeSpan olderThan, CancellationToken ct,
        int batch = Batch)
    {
        // The statements' current URLs come from the search index (one row per statement, its current reading), read in
        // key order from where the last batch ended.
        var (inserted, lastAgreement, lastStatement) = (0, "", Guid.Empty);
        while (true)
        {
            await using var cmd = dataSource.CreateCommand($"""
                with batch as (
                    select q.agreement_id, q.statement_id, q.url, q.retracted, q.counted from {Infrastructure.TrackerHost.MartenSchema}.statement_search q
                    where (q.agreement_id, q.statement_id) > (@la, @ls) and (@a::varchar is null or q.agreement_id = @a)
                    order by q.agreement_id, q.statement_id limit @n),
                jobs as (
                    insert into {CaptureDispatcher.Jobs} (agreement_id, statement_id, url, round, created_at, next_attempt_at)
                    select b.agreement_id, b.statement_id, b.url, coalesce(last.round + 1, 0), now(), now()
                    from batch b
                    left join lateral (select c.round, c.fetched_at from {SourceCaptures.Table} c
                                       where c.agreement_id = b.agreement_id and c.statement_id = b.statement_id and c.url = b.url
                                       order by c.id desc limit 1) last on true
                    where b.url is not null and b.counted and not b.retracted
                      and (last.fetched_at is null or last.fetched_at < now() - @age)
                      and not exists (select 1 from {CaptureDispatcher.Jobs} j where j.agreement_id = b.agreement_id
                                      and j.statement_id = b.statement_id and j.url = b.url and j.done_at is null)
                    on conflict (agreement_id, statement_id, url, round) do nothing
                    returning 1)
                select (select count(*) from jobs)::int, (select count(*) from batch)::int, l.agreement_id, l.statement_id
                from (select 1) one
                left join lateral (select agreement_id, statement_id from batch order by agreement_id desc, statement_id desc limit 1) l on true
                """);
            cmd.Parameters.Add(new NpgsqlParameter("a", NpgsqlTypes.NpgsqlDbType.Varchar) { Value = (object?)agreementId ?? DBNull.Value });
            cmd.Parameters.AddWithValue("la", lastAgreement);
            cmd.Parameters.AddWithValue("ls", lastStatement);
            cmd.Parameters.AddWithValue("n", batch);
            cmd.Parameters.AddWithValue("age", olderThan);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            await r.ReadAsync(ct);
            inserted += r.GetInt32(0);
            if (r.GetInt32(1) < batch) return inserted;
            (lastAgreement, lastStatement) = (r.GetString(2), r.GetGuid(3));
        }
    }

    /// <summary>Waits until no capture job is left undone (or the timeout): what the verb waits for before it reports.</summary>
    public static async Task<bool> WaitAsync(NpgsqlDataSource dataSource, TimeSpan timeout, CancellationToken ct)
    {
        var until = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < until)
        {
            await using var cmd = dataSource.CreateCommand($"select not exists (select 1 from {CaptureDispatcher.Jobs} where done_at is null)");
            if (await cmd.ExecuteScalarAsync(ct) is true) return true;
            await Task.Delay(200, ct);
        }
        return false;
    }
}

/// <summary>One occurrence of the scheduled recheck, due at <see cref="Due"/> (a Wolverine scheduled message).</summary>
public sealed record RecheckSources(DateTimeOffset Due);

/// <summary>
/// The scheduled recheck (<see cref="SourceOptions.RecheckDays"/>, every <see cref="SourceOptions.RecheckEvery"/>): a chain
/// of Wolverine scheduled messages on a durable local queue, so the next occurrence is stored in the database and
/// outlives restarts. One row (<see cref="Table"/>) names the live occurrence: an occurrence runs only if it is due when
/// the row says, and first schedules the next one and moves the row to it (in one transaction holding the row), so
/// duplicates (two nodes starting together, a retry after a crash between the two) find the row moved and do nothing.
/// </summary>
public static class RecheckSourcesHandler
{
    public const string Table = Infrastructure.TrackerHost.MartenSchema + ".source_recheck_schedule";

    public static async Task Handle(RecheckSources occurrence, NpgsqlDataSource dataSource, IOptions<SourceOptions> options, CaptureWake wake,
        IMessageBus bus, ILogger<RecheckSources> logger, CancellationToken ct)
    {
        var o = options.Value;
        if (o.RecheckDays <= 0 || !o.Capture) return;
        await using (var conn = await dataSource.OpenConnectionAsync(ct))
        await using (var tx = await conn.BeginTransactionAsync(ct))
        {
            await using var move = new NpgsqlCommand($"update {Table} set due_at = now() + @every where id = 1 and due_at = @due returning due_at", conn, tx);
            move.Parameters.AddWithValue("every", o.RecheckEvery);
            move.Parameters.AddWithValue("due", occurrence.Due);
            if (await move.ExecuteScalarAsync(ct) is not DateTime next) return; // a duplicate: the live occurrence is another
            var at = new DateTimeOffset(DateTime.SpecifyKind(next, DateTimeKind.Utc));
            await bus.ScheduleAsync(new RecheckSources(at), at);
            await tx.CommitAsync(ct);
        }
        var scheduled = await Recheck.ScheduleAsync(dataSource, null, TimeSpan.FromDays(o.RecheckDays), ct);
        logger.LogInformation("Scheduled recheck: {Count} sources to fetch again", scheduled);
        if (scheduled > 0) wake.Wake();
    }
}

/// <summary>Starts the recheck chain at start-up, after Wolverine (registered after it).</summary>
public sealed class RecheckSchedule(NpgsqlDataSource dataSource, IOptions<SourceOptions> options, Wolverine.Runtime.IWolverineRuntime wolverine,
    ILogger<RecheckSchedule> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken ct)
    {
        try
        {
            await BeginChainAsync(dataSource, options.Value, new Wolverine.Runtime.MessageBus(wolverine), ct);
        }
        catch (NpgsqlException e)
        {
            // Not fatal: the next start (or another node) starts the chain.
            logger.LogWarning(e, "Could not start the scheduled source recheck: {Message}", e.Message);
        }
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;

    /// <summary>
    /// Starts the chain where there is none: the first start ever, or a chain whose occurrence is overdue by more than a
    /// period (its message lost). Every node may run it at start; the row lets one of them start the chain.
    /// </summary>
    public static async Task BeginChainAsync(NpgsqlDataSource dataSource, SourceOptions options, IMessageBus bus, CancellationToken ct)
    {
        if (options.RecheckDays <= 0 || !options.Capture) return;
        await using var claim = dataSource.CreateCommand($"""
            insert into {RecheckSourcesHandler.Table} as s (id, due_at) values (1, now() + @every) on conflict (id) do update set due_at = now()
            where s.due_at < now() - @grace
            returning due_at
            """);
        // The first occurrence waits a period (a fresh start is no time to read every statement); a lost chain's runs now.
        claim.Parameters.AddWithValue("every", options.RecheckEvery);
        claim.Parameters.AddWithValue("grace", options.RecheckEvery + TimeSpan.FromHours(1));
        if (await claim.ExecuteScalarAsync(ct) is DateTime due)
        {
            var at = new DateTimeOffset(DateTime.SpecifyKind(due, DateTimeKind.Utc));
            await bus.ScheduleAsync(new RecheckSources(at), at);
        }
    }
}
