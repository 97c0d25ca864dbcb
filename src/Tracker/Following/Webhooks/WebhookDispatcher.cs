using Microsoft.Extensions.Options;
using Npgsql;
using Tracker.Infrastructure;
using Tracker.Infrastructure.Background;
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
public sealed class WebhookDispatcher(BackgroundDataSource background, BackgroundBudget budget, IOptions<WebhookOptions> options,
    WebhookWake wake, ILogger<WebhookDispatcher> logger) : BackgroundService
{
    public const string Cursor = TrackerHost.MartenSchema + ".webhook_dispatch";

    /// <summary>Positions dispatched in one transaction at most, so a long backlog is taken in bounded steps.</summary>
    public const long Window = 10_000;

    protected override Task ExecuteAsync(CancellationToken stopping) =>
        Infrastructure.Database.ChainFollower.RunAsync(budget, ct => DispatchAsync(background.DataSource, ct), () => options.Value.PollInterval,
            wake.Wake, logger, "Webhook dispatch", stopping);

    /// <summary>One step: the deliveries of the next range of committed positions, and the cursor moved past it. Answers
    /// how many deliveries were written and whether more positions wait.</summary>
    public static Task<(int Inserted, bool More)> DispatchAsync(NpgsqlDataSource dataSource, CancellationToken ct) =>
        Infrastructure.Database.ChainFollower.StepAsync(dataSource, Cursor, Window, async (conn, tx, from, to, c) =>
        {
            await using var insert = new NpgsqlCommand($"""
                insert into {WebhookDeliveries.Table} (subscription_id, seq_id, slot, position, created_at, window_from, next_attempt_at)
                select s.id, f.seq_id, f.slot, c.position, now(), now(), now()
                from {TrackerHost.MartenSchema}.event_chain c
                join {ChangeLog.Table} f on f.seq_id = c.seq_id
                join {WebhookSubscriptions.Table} s on s.removed_at is null and c.position > s.from_position and f.kind = any(s.events)
                    and {Watchlist.InScope("s")}
                where c.position > @from and c.position <= @to
                order by c.position, f.slot
                on conflict (subscription_id, seq_id, slot) do nothing
                """, conn, tx);
            insert.Parameters.AddWithValue("from", from);
            insert.Parameters.AddWithValue("to", to);
            return await insert.ExecuteNonQueryAsync(c);
        }, ct);
}

/// <summary>Wakes this instance's senders when its dispatcher has written deliveries (others find them by polling).</summary>
public sealed class WebhookWake : Infrastructure.Database.WakeSignal;
