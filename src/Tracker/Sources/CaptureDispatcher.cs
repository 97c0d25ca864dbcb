using Microsoft.Extensions.Options;
using Npgsql;
using Tracker.Infrastructure;

namespace Tracker.Sources;

/// <summary>
/// Turns committed statements into capture jobs. It follows the hash chain in commit order from its cursor (as the
/// webhook dispatcher does) and writes the jobs of a range of positions and the cursor's move past it in one transaction:
/// a crash before the commit writes neither (the range is done again), after it both; the statements themselves were
/// committed before. The jobs' key (statement, URL, round) makes a range done twice write nothing twice. The cursor row
/// is locked for the transaction (<c>FOR UPDATE SKIP LOCKED</c>): of several instances, one dispatches at a time.
/// Following the chain rather than adding a row in the write's own transaction keeps recording exactly as fast with
/// capture on as off, and catches every writer of statements (API, workbench, CLI, import) without touching them.
/// </summary>
public sealed class CaptureDispatcher(NpgsqlDataSource dataSource, IOptions<SourceOptions> options, CaptureWake wake,
    ILogger<CaptureDispatcher> logger) : BackgroundService
{
    public const string Cursor = TrackerHost.MartenSchema + ".capture_dispatch";
    public const string Jobs = TrackerHost.MartenSchema + ".capture_jobs";
    public const long Window = 10_000;

    protected override async Task ExecuteAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            var wait = options.Value.PollInterval;
            try
            {
                var (inserted, more) = await DispatchAsync(dataSource, stopping);
                if (inserted > 0) wake.Wake();
                if (more) continue;
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested) { return; }
            catch (Exception e)
            {
                logger.LogWarning(e, "Capture dispatch failed, retrying: {Message}", e.Message);
                wait = TimeSpan.FromSeconds(1);
            }
            try { await Task.Delay(wait, stopping); }
            catch (OperationCanceledException) { return; }
        }
    }

    /// <summary>One step: the jobs of the next range of committed positions, and the cursor moved past it.</summary>
    public static async Task<(int Inserted, bool More)> DispatchAsync(NpgsqlDataSource dataSource, CancellationToken ct)
    {
        var schema = TrackerHost.MartenSchema;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using (var idle = new NpgsqlCommand(
            $"select coalesce((select max(position) from {schema}.event_chain), 0) <= (select position from {Cursor})", conn))
            if (await idle.ExecuteScalarAsync(ct) is true) return (0, false);

        await using var tx = await conn.BeginTransactionAsync(ct);
        long from;
        await using (var locked = new NpgsqlCommand($"select position from {Cursor} where id = 1 for update skip locked", conn, tx))
            if (await locked.ExecuteScalarAsync(ct) is long position) from = position;
            else return (0, false);
        long head;
        await using (var max = new NpgsqlCommand($"select coalesce(max(position), 0) from {schema}.event_chain", conn, tx))
            head = (long)(await max.ExecuteScalarAsync(ct))!;
        var to = Math.Min(head, from + Window);
        if (to <= from)
        {
            await tx.CommitAsync(ct);
            return (0, false);
        }
        int inserted;
        // A recorded statement's URL, or the URL a correction gives its source: each is captured once.
        await using (var insert = new NpgsqlCommand($"""
            insert into {Jobs} (agreement_id, statement_id, url, round, created_at, next_attempt_at)
            select e.stream_id, (e.data ->> 'statementId')::uuid, u.url, 0, now(), now()
            from {schema}.event_chain c
            join {schema}.mt_events e on e.seq_id = c.seq_id
            cross join lateral (select coalesce(e.data -> 'content' -> 'source' ->> 'url', e.data -> 'changes' -> 'source' ->> 'url') as url) u
            where c.position > @from and c.position <= @to
              and e.type in ('statement_recorded', 'statement_corrected') and u.url is not null
            order by c.position
            on conflict (agreement_id, statement_id, url, round) do nothing
            """, conn, tx))
        {
            insert.Parameters.AddWithValue("from", from);
            insert.Parameters.AddWithValue("to", to);
            inserted = await insert.ExecuteNonQueryAsync(ct);
        }
        await using (var move = new NpgsqlCommand($"update {Cursor} set position = @to where id = 1", conn, tx))
        {
            move.Parameters.AddWithValue("to", to);
            await move.ExecuteNonQueryAsync(ct);
        }
        await tx.CommitAsync(ct);
        return (inserted, to < head);
    }
}

/// <summary>Wakes this instance's capturers when its dispatcher or a recheck has written jobs (others poll).</summary>
public sealed class CaptureWake
{
    private readonly SemaphoreSlim _signal = new(0, 1);

    public void Wake()
    {
        try { _signal.Release(); }
        catch (SemaphoreFullException) { }
    }

    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken ct) => _signal.WaitAsync(timeout, ct);
}
