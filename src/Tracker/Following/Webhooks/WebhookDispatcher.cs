using Microsoft.Extensions.Options;
using Npgsql;
using Tracker.Infrastructure;
using Tracker.Portfolio;

namespace Tracker.Following.Webhooks;

/// <summary>
/// Turns change-feed entries into deliveries. It follows the feed in commit order (the chain's gap-free positions, see
/// <see cref="Feed"/>) from its cursor, and writes the deliveries of a range of positions and the cursor's move past it
/// in one transaction: a crash before the commit writes neither (the range is done again), after it both. The entries
/// themselves were committed with their writes, so nothing between a write's commit and its delivery lives only in
/// memory: a <c>kill -9</c> anywhere delays a delivery, never loses it. The cursor row is locked for the transaction
/// (<c>FOR UPDATE SKIP LOCKED</c>): of several instances on one database, one dispatches at a time, the others skip.
/// </summary>
public sealed class WebhookDispatcher(NpgsqlDataSource dataSource, IOptions<WebhookOptions> options, WebhookWake wake,
    ILogger<WebhookDispatcher> logger) : BackgroundService
{
    public const string Cursor = TrackerHost.MartenSchema + ".webhook_dispatch";

    /// <summary>Positions dispatched in one transaction at most, so a long backlog is taken in bounded steps.</summary>
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
                // The database is away (restarting, failing over): the cursor has not moved; try again shortly.
                logger.LogWarning(e, "Webhook dispatch failed, retrying: {Message}", e.Message);
                wait = TimeSpan.FromSeconds(1);
            }
            try { await Task.Delay(wait, stopping); }
            catch (OperationCanceledException) { return; }
        }
    }

    /// <summary>One step: the deliveries of the next range of committed positions, and the cursor moved past it. Answers
    /// how many deliveries were written and whether more positions wait.</summary>
    public static async Task<(int Inserted, bool More)> DispatchAsync(NpgsqlDataSource dataSource, CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        // Idle, the common case, costs one read and no lock: nothing is committed past the cursor.
        await using (var idle = new NpgsqlCommand(
            $"select coalesce((select max(position) from {TrackerHost.MartenSchema}.event_chain), 0) <= (select position from {Cursor})", conn))
            if (await idle.ExecuteScalarAsync(ct) is true) return (0, false);

        await using var tx = await conn.BeginTransactionAsync(ct);
        long from;
        await using (var locked = new NpgsqlCommand($"select position from {Cursor} where id = 1 for update skip locked", conn, tx))
            if (await locked.ExecuteScalarAsync(ct) is long position) from = position;
            else return (0, false); // another instance is dispatching
        long head;
        // A statement of its own: its snapshot sees every position up to the head it reads (positions are assigned in
        // commit order, see Feed), and so does the insert's, which is taken later.
        await using (var max = new NpgsqlCommand($"select coalesce(max(position), 0) from {TrackerHost.MartenSchema}.event_chain", conn, tx))
            head = (long)(await max.ExecuteScalarAsync(ct))!;
        var to = Math.Min(head, from + Window);
        if (to <= from)
        {
            await tx.CommitAsync(ct);
            return (0, false);
        }

        int inserted;
        await using (var insert = new NpgsqlCommand($"""
            insert into {WebhookDeliveries.Table} (subscription_id, seq_id, slot, position, created_at, window_from, next_attempt_at)
            select s.id, f.seq_id, f.slot, c.position, now(), now(), now()
            from {TrackerHost.MartenSchema}.event_chain c
            join {ChangeLog.Table} f on f.seq_id = c.seq_id
            join {WebhookSubscriptions.Table} s on s.removed_at is null and c.position > s.from_position and f.kind = any(s.events)
                and {Watchlist.InScope("s")}
            where c.position > @from and c.position <= @to
            order by c.position, f.slot
            on conflict (subscription_id, seq_id, slot) do nothing
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

/// <summary>Wakes this instance's senders when its dispatcher has written deliveries (others find them by polling).</summary>
public sealed class WebhookWake
{
    private readonly SemaphoreSlim _signal = new(0, 1);

    public void Wake()
    {
        try { _signal.Release(); }
        catch (SemaphoreFullException) { } // awake already
    }

    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken ct) => _signal.WaitAsync(timeout, ct);
}
