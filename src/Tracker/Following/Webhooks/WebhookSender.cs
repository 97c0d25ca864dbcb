using System.Text.Json;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

namespace Tracker.Following.Webhooks;

/// <summary>Links from a webhook to what changed: the API's resource and the workbench's page.</summary>
public sealed record WebhookLinks(string Api, string Workbench, string? Statement);

/// <summary>A webhook's body, in the shape Standard Webhooks recommends (<c>type</c>, <c>timestamp</c>, <c>data</c>):
/// the change-feed entry as <c>GET /api/feed</c> gives it, and links.</summary>
public sealed record WebhookPayload(string Type, DateTimeOffset Timestamp, Guid SubscriptionId, FeedEntry Data, WebhookLinks Links);

/// <summary>
/// Sends due deliveries. A sender claims a batch in one short transaction (<c>FOR UPDATE SKIP LOCKED</c>, so instances
/// never claim the same rows), counting the attempt and setting the delivery's next due time to the end of a lease;
/// then POSTs outside any transaction, and records the answer only if the delivery is still its claim (the attempt
/// count it claimed). An instance that dies mid-POST leaves the delivery to come due again when the lease ends: it is
/// sent again with the same <c>webhook-id</c> (at least once; receivers drop the copy). A failed attempt is retried
/// after a doubling, jittered delay until the retry window is over, then the delivery is dead-lettered.
/// </summary>
public sealed class WebhookSender(NpgsqlDataSource dataSource, IOptions<WebhookOptions> options, WebhookWake wake, WebhookHttp http,
    WebhookSecrets secrets, IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json, ILogger<WebhookSender> logger) : BackgroundService
{
    private static readonly TimeSpan CleanupEvery = TimeSpan.FromMinutes(10);

    private sealed record Claim(long Id, Guid SubscriptionId, long Sequence, long Slot, long Position, int Attempt, string Url,
        string Secret, bool Removed);

    protected override async Task ExecuteAsync(CancellationToken stopping)
    {
        var o = options.Value;
        var cleaned = DateTime.MinValue;
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                var claimed = await ClaimAsync(o.Parallelism * 4, o.Lease, stopping);
                if (claimed.Count > 0)
                {
                    await SendAllAsync(claimed, stopping);
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
                // The database is away, or something unforeseen: the loop must outlive it (claimed deliveries come due
                // again when their lease ends), or no webhook would be sent until a restart.
                logger.LogWarning(e, "Webhook sending failed, retrying: {Message}", e.Message);
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
        return claims;
    }

    private async Task SendAllAsync(List<Claim> claimed, CancellationToken stopping)
    {
        // One read per entry, however many subscriptions it goes to.
        var entries = new Dictionary<(long, long), FeedEntry?>();
        foreach (var key in claimed.Select(c => (c.Position, c.Slot)).Distinct())
            entries[key] = await EntryAsync(key.Position, key.Slot, stopping);

        await Parallel.ForEachAsync(claimed, new ParallelOptions { MaxDegreeOfParallelism = options.Value.Parallelism, CancellationToken = stopping },
            async (claim, ct) =>
            {
                AttemptResult? result;
                try
                {
                    result = claim.Removed ? null
                        : entries[(claim.Position, claim.Slot)] is not { } entry ? new AttemptResult(false, null, "the change is no longer in the change log")
                        : await http.SendAsync(claim.Url, WebhookDeliveries.WebhookId(claim.SubscriptionId, claim.Sequence, claim.Slot),
                            secrets.Unprotect(claim.Secret), Body(claim, entry), ct);
                }
                catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
                {
                    // One delivery's trouble (a secret the keys cannot read, a malformed stored URL) is its own failed
                    // attempt, retried and dead-lettered like any other; the others go on.
                    result = new AttemptResult(false, null, e.Message);
                }
                await RecordAsync(claim, result);
            });
    }

    /// <summary>The feed's entry at (position, slot): read through the feed itself, so the body is what the feed says.</summary>
    private async Task<FeedEntry?> EntryAsync(long position, long slot, CancellationToken ct)
    {
        var page = await Feed.ReadAsync(dataSource, new FeedRequest(new FeedCursor(position, slot - 1), 1, null, null, null), ct);
        return page.Entries is [var entry] && entry.Position == position && FeedCursor.TryParse(entry.Cursor, out var at) && at.Slot == slot
            ? entry : null;
    }

    private string Body(Claim claim, FeedEntry entry)
    {
        var root = options.Value.PublicUrl?.TrimEnd('/') ?? "";
        var agreement = "/agreements/" + Uri.EscapeDataString(entry.AgreementId);
        var page = entry.CommitmentId is { } c ? $"{agreement}/commitments/{Uri.EscapeDataString(c)}" : agreement;
        var links = new WebhookLinks(root + "/api" + page, root + page,
            entry.StatementId is { } s ? $"{root}/api{agreement}/statements/{s}" : null);
        return JsonSerializer.Serialize(new WebhookPayload(entry.Kind, entry.RecordedAt, claim.SubscriptionId, entry, links),
            json.Value.SerializerOptions);
    }

    /// <summary>Delivered, or due again after the backoff, or dead once the window is over — if still this claim's.</summary>
    private async Task RecordAsync(Claim claim, AttemptResult? result)
    {
        var o = options.Value;
        await using var cmd = dataSource.CreateCommand(result switch
        {
            null => $"""
                update {WebhookDeliveries.Table} set dead_at = now(), last_error = 'the subscription was removed'
                where id = @id and attempts = @a and delivered_at is null and dead_at is null
                """,
            { Delivered: true } => $"""
                update {WebhookDeliveries.Table} set delivered_at = now(), last_status = @status, last_error = null
                where id = @id and attempts = @a and delivered_at is null
                """,
            _ => $"""
                update {WebhookDeliveries.Table}
                set next_attempt_at = now() + @delay, last_status = @status, last_error = @error,
                    dead_at = case when now() + @delay > window_from + @window then now() end
                where id = @id and attempts = @a and delivered_at is null and dead_at is null
                """,
        });
        cmd.Parameters.AddWithValue("id", claim.Id);
        cmd.Parameters.AddWithValue("a", claim.Attempt);
        cmd.Parameters.Add(new NpgsqlParameter("status", NpgsqlDbType.Integer) { Value = (object?)result?.Status ?? DBNull.Value });
        cmd.Parameters.Add(new NpgsqlParameter("error", NpgsqlDbType.Text) { Value = (object?)result?.Error ?? DBNull.Value });
        cmd.Parameters.AddWithValue("delay", o.DelayAfter(claim.Attempt, Random.Shared.NextDouble()));
        cmd.Parameters.AddWithValue("window", o.RetryFor);
        // Recorded even when the service is stopping: the answer came, and sending it again would be a needless copy.
        await cmd.ExecuteNonQueryAsync(CancellationToken.None);
        if (result is { Delivered: false })
            logger.LogInformation("Webhook {Id} to {Url}, attempt {Attempt}: {Error}", claim.Id, claim.Url, claim.Attempt, result.Error);
    }

    private async Task ForgetDeliveredAsync(TimeSpan keep, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand($"delete from {WebhookDeliveries.Table} where delivered_at < now() - @keep");
        cmd.Parameters.AddWithValue("keep", keep);
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
