using System.Text.Json;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;
using Tracker.Infrastructure.Background;

namespace Tracker.Following.Webhooks;

/// <summary>Links from a webhook to what changed: the API's resource and the workbench's page.</summary>
public sealed record WebhookLinks(string Api, string Workbench, string? Statement);

/// <summary>A webhook's body, in the shape Standard Webhooks recommends (<c>type</c>, <c>timestamp</c>, <c>data</c>):
/// the change-feed entry as <c>GET /api/feed</c> gives it, and links.</summary>
public sealed record WebhookPayload(string Type, DateTimeOffset Timestamp, Guid SubscriptionId, FeedEntry Data, WebhookLinks Links);

/// <summary>
/// Sends due deliveries. A claimer takes due rows in short transactions (<c>FOR UPDATE SKIP LOCKED</c>, so instances
/// never claim the same rows), counting the attempt and moving the row's due time to the end of a lease; workers POST
/// them outside any transaction, as many at once as <see cref="WebhookOptions.Parallelism"/>, so one slow target holds
/// one worker, not the others; a recorder writes the answers in batches, each only if the row is still that claim's
/// (the attempt count it claimed). An instance that dies mid-POST leaves the row to come due again when the lease
/// ends: it is sent again with the same <c>webhook-id</c> (at least once; receivers drop the copy). A failed attempt
/// is due again after a doubling, jittered delay until the retry window is over; then the row is a dead letter.
/// </summary>
public sealed class WebhookSender(BackgroundDataSource background, BackgroundBudget budget, IOptions<WebhookOptions> options,
    WebhookWake wake, WebhookHttp http, WebhookSecrets secrets, IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json,
    ILogger<WebhookSender> logger) : BackgroundService
{
    private readonly NpgsqlDataSource dataSource = background.DataSource;
    private static readonly TimeSpan CleanupEvery = TimeSpan.FromMinutes(10);
    private const string Removed = "the subscription was removed";

    private sealed record Claim(long Id, Guid SubscriptionId, long Sequence, long Slot, long Position, int Attempt, string Url,
        string Secret, bool Removed);

    private sealed record Work(Claim Claim, Prepared? Entry);

    private sealed record Outcome(Claim Claim, AttemptResult Result, bool Dead);

    /// <summary>Secrets unprotected once per subscription (they never change).</summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<Guid, string> _secrets = new();

    /// <summary>Entries read once and their body's JSON made once, however many subscriptions they go to: entries are
    /// facts, never changed. Emptied when it grows past <see cref="CachedEntries"/>.</summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(long Position, long Slot), Prepared?> _entries = new();
    private const int CachedEntries = 10_000;

    /// <summary>A webhook body but for its subscription id: the JSON of its type, timestamp, entry and links.</summary>
    private sealed record Prepared(string Type, string Timestamp, string Data, string Links);

    protected override async Task ExecuteAsync(CancellationToken stopping)
    {
        var o = options.Value;
        var queue = System.Threading.Channels.Channel.CreateBounded<Work>(o.Parallelism);
        var outcomes = System.Threading.Channels.Channel.CreateUnbounded<Outcome>();
        var workers = Enumerable.Range(0, o.Parallelism).Select(_ => Task.Run(() => WorkAsync(queue.Reader, outcomes.Writer, stopping))).ToList();
        var recorder = Task.Run(() => RecordAsync(outcomes.Reader));
        try
        {
            await ClaimLoopAsync(queue.Writer, stopping);
        }
        finally
        {
            queue.Writer.TryComplete();
            await Task.WhenAll(workers);
            outcomes.Writer.TryComplete();
            await recorder;
        }
    }

    private async Task ClaimLoopAsync(System.Threading.Channels.ChannelWriter<Work> queue, CancellationToken stopping)
    {
        var o = options.Value;
        var cleaned = DateTime.MinValue;
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                // While requests are served the POSTs wait their turn (BackgroundBudget): claim no more than the workers
                // hold, so no claimed row waits long enough in the queue for its lease to end.
                var claimed = await ClaimAsync(budget.Busy ? o.Parallelism : o.Parallelism * 4, o.Lease, stopping);
                if (claimed.Count > 0)
                {
                    if (_entries.Count > CachedEntries) _entries.Clear();
                    foreach (var key in claimed.Select(c => (c.Position, c.Slot)).Distinct().Where(k => !_entries.ContainsKey(k)))
                        _entries[key] = Prepare(await EntryAsync(key.Position, key.Slot, stopping));
                    foreach (var claim in claimed) await queue.WriteAsync(new Work(claim, _entries[(claim.Position, claim.Slot)]), stopping);
                    continue;
                }
                if (DateTime.UtcNow - cleaned > CleanupEvery)
                {
                    await ForgetDeliveredAsync(o.KeepDelivered, stopping);
                    cleaned = DateTime.UtcNow;
                }
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested) { return; }
            catch (Exception e)
            {
                // The database is away, or something unforeseen: the loop must outlive it (claimed rows come due again
                // when their lease ends), or no webhook would be sent until a restart.
                logger.LogWarning(e, "Claiming webhooks failed, retrying: {Message}", e.Message);
                try { await Task.Delay(TimeSpan.FromSeconds(1), stopping); }
                catch (OperationCanceledException) { return; }
            }
            try { await wake.WaitAsync(o.PollInterval, stopping); }
            catch (OperationCanceledException) { return; }
        }
    }

    private async Task<List<Claim>> ClaimAsync(int limit, TimeSpan lease, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand($"""
            with due as (
                select id from {WebhookDeliveries.Table}
                where delivered_at is null and dead_at is null and next_attempt_at <= now()
                order by next_attempt_at, id limit @n
                for update skip locked)
            update {WebhookDeliveries.Table} d
            set attempts = d.attempts + 1, next_attempt_at = now() + @lease, last_attempt_at = now()
            from due, {WebhookSubscriptions.Table} s
            where d.id = due.id and s.id = d.subscription_id
            returning d.id, d.subscription_id, d.seq_id, d.slot, d.position, d.attempts, s.url, s.secret, s.removed_at is not null
            """);
        cmd.Parameters.AddWithValue("n", limit);
        cmd.Parameters.AddWithValue("lease", lease);
        var claims = new List<Claim>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            claims.Add(new Claim(reader.GetInt64(0), reader.GetGuid(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4),
                reader.GetInt32(5), reader.GetString(6), reader.GetString(7), reader.GetBoolean(8)));
        return claims.OrderBy(c => c.Position).ThenBy(c => c.Slot).ToList();
    }

    private async Task WorkAsync(System.Threading.Channels.ChannelReader<Work> queue, System.Threading.Channels.ChannelWriter<Outcome> outcomes,
        CancellationToken stopping)
    {
        try
        {
            await foreach (var (claim, entry) in queue.ReadAllAsync(stopping))
            {
                if (claim.Removed)
                {
                    await outcomes.WriteAsync(new Outcome(claim, new AttemptResult(false, null, Removed), Dead: true), CancellationToken.None);
                    continue;
                }
                AttemptResult result;
                try
                {
                    using var unit = await budget.EnterAsync(stopping);
                    result = entry is null ? new AttemptResult(false, null, "the change is no longer in the change log")
                        : await http.SendAsync(claim.Url, WebhookDeliveries.WebhookId(claim.SubscriptionId, claim.Sequence, claim.Slot),
                            _secrets.GetOrAdd(claim.SubscriptionId, _ => secrets.Unprotect(claim.Secret)), Body(claim, entry), stopping);
                }
                catch (OperationCanceledException) when (stopping.IsCancellationRequested) { return; } // due again after the lease
                catch (Exception e)
                {
                    // One delivery's trouble (a secret the keys cannot read, a malformed stored URL) is its own failed
                    // attempt, retried and dead-lettered like any other; the others go on.
                    result = new AttemptResult(false, null, e.Message);
                }
                await outcomes.WriteAsync(new Outcome(claim, result, Dead: false), CancellationToken.None);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested) { }
    }

    /// <summary>The feed's entry at (position, slot): read through the feed itself, so the body is what the feed says.</summary>
    private async Task<FeedEntry?> EntryAsync(long position, long slot, CancellationToken ct)
    {
        var page = await Feed.ReadAsync(dataSource, new FeedRequest(new FeedCursor(position, slot - 1), 1, null, null, null), ct);
        return page.Entries is [var entry] && entry.Position == position && FeedCursor.TryParse(entry.Cursor, out var at) && at.Slot == slot
            ? entry : null;
    }

    private Prepared? Prepare(FeedEntry? entry)
    {
        if (entry is null) return null;
        var root = options.Value.PublicUrl?.TrimEnd('/') ?? "";
        var agreement = "/agreements/" + Uri.EscapeDataString(entry.AgreementId);
        var page = entry.CommitmentId is { } c ? $"{agreement}/commitments/{Uri.EscapeDataString(c)}" : agreement;
        var links = new WebhookLinks(root + "/api" + page, root + page,
            entry.StatementId is { } s ? $"{root}/api{agreement}/statements/{s}" : null);
        var o = json.Value.SerializerOptions;
        return new Prepared(JsonSerializer.Serialize(entry.Kind, o), JsonSerializer.Serialize(entry.RecordedAt, o),
            JsonSerializer.Serialize(entry, o), JsonSerializer.Serialize(links, o));
    }

    /// <summary>The body: a <see cref="WebhookPayload"/>, its members in the record's order (as serialising it would).</summary>
    private static string Body(Claim claim, Prepared p) =>
        $$"""{"type":{{p.Type}},"timestamp":{{p.Timestamp}},"subscriptionId":"{{claim.SubscriptionId}}","data":{{p.Data}},"links":{{p.Links}}}""";

    /// <summary>Writes the answers that have come, in batches: delivered, or due again after the backoff, or dead once
    /// the window is over (or the subscription removed) — each only if the row is still its claim's. Runs until the
    /// workers have stopped, so an answer that came is kept even when the service is stopping.</summary>
    private async Task RecordAsync(System.Threading.Channels.ChannelReader<Outcome> outcomes)
    {
        var o = options.Value;
        var batch = new List<Outcome>();
        while (await outcomes.WaitToReadAsync())
        {
            while (batch.Count < 500 && outcomes.TryRead(out var outcome)) batch.Add(outcome);
            try
            {
                await using var cmd = dataSource.CreateCommand($"""
                    update {WebhookDeliveries.Table} d
                    set delivered_at = case when r.ok then now() end,
                        last_status = r.status, last_error = r.error,
                        next_attempt_at = case when r.ok then d.next_attempt_at else now() + r.delay end,
                        dead_at = case when r.dead or not r.ok and now() + r.delay > d.window_from + @window then now() end
                    from unnest(@ids, @attempts, @ok, @dead, @status, @error, @delay) as r(id, a, ok, dead, status, error, delay)
                    where d.id = r.id and d.attempts = r.a and d.delivered_at is null and d.dead_at is null
                    """);
                cmd.Parameters.AddWithValue("ids", batch.Select(b => b.Claim.Id).ToArray());
                cmd.Parameters.AddWithValue("attempts", batch.Select(b => b.Claim.Attempt).ToArray());
                cmd.Parameters.AddWithValue("ok", batch.Select(b => b.Result.Delivered).ToArray());
                cmd.Parameters.AddWithValue("dead", batch.Select(b => b.Dead).ToArray());
                cmd.Parameters.Add(new NpgsqlParameter("status", NpgsqlDbType.Array | NpgsqlDbType.Integer)
                    { Value = batch.Select(b => b.Result.Status).ToArray() });
                cmd.Parameters.Add(new NpgsqlParameter("error", NpgsqlDbType.Array | NpgsqlDbType.Text)
                    { Value = batch.Select(b => b.Result.Error).ToArray() });
                cmd.Parameters.AddWithValue("delay", batch.Select(b => o.DelayAfter(b.Claim.Attempt, Random.Shared.NextDouble())).ToArray());
                cmd.Parameters.AddWithValue("window", o.RetryFor);
                await cmd.ExecuteNonQueryAsync();
                foreach (var failed in batch.Where(b => !b.Result.Delivered && !b.Dead))
                    logger.LogInformation("Webhook {Id} to {Url}, attempt {Attempt}: {Error}", failed.Claim.Id, failed.Claim.Url,
                        failed.Claim.Attempt, failed.Result.Error);
            }
            catch (Exception e)
            {
                // Not written: the rows come due again when their leases end, and are sent again (at least once).
                logger.LogWarning(e, "Recording webhook answers failed: {Message}", e.Message);
                await Task.Delay(TimeSpan.FromSeconds(1));
            }
            batch.Clear();
        }
    }

    private async Task ForgetDeliveredAsync(TimeSpan keep, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand($"delete from {WebhookDeliveries.Table} where delivered_at < now() - @keep");
        cmd.Parameters.AddWithValue("keep", keep);
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
