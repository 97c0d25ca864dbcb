using Npgsql;
using NpgsqlTypes;
using Tracker.Infrastructure;
using Tracker.Portfolio;

namespace Tracker.Following.Webhooks;

/// <summary>One change-feed entry for one subscription: pending (due at <see cref="NextAttemptAt"/>), delivered, or
/// dead (retried for the whole window, or its subscription removed), with what the last attempt got.</summary>
/// <param name="WebhookId">The <c>webhook-id</c> header it is sent with, the same on every attempt: receivers drop
/// a second copy by it.</param>
public sealed record Delivery(long Id, Guid SubscriptionId, string WebhookId, string State, string? Kind, string? AgreementId,
    string? CommitmentId, long EventSequence, long Position, int Attempts, DateTimeOffset CreatedAt, DateTimeOffset? LastAttemptAt,
    DateTimeOffset? NextAttemptAt, DateTimeOffset? DeliveredAt, DateTimeOffset? DeadAt, int? LastStatus, string? LastError);

public sealed record DeliveryPage(IReadOnlyList<Delivery> Deliveries);

/// <summary>The deliveries (<c>migrations/0012_webhooks.sql</c>) as their subscribers see them: listed, and retried.</summary>
public static class WebhookDeliveries
{
    public const string Table = TrackerHost.MartenSchema + ".webhook_deliveries";
    public const int MaxLimit = 500;

    public static class States
    {
        public const string Pending = "pending";
        public const string Delivered = "delivered";
        public const string Dead = "dead";
        public static readonly string[] All = [Pending, Delivered, Dead];
    }

    public static string WebhookId(Guid subscriptionId, long sequence, long slot) => $"whk_{subscriptionId:N}_{sequence}_{slot}";

    /// <summary>The newest deliveries of the subscriptions the user may see (one, or all of them), in one state or all.</summary>
    public static async Task<IReadOnlyList<Delivery>> ListAsync(NpgsqlDataSource dataSource, string user, bool admin, Guid? subscription,
        string? state, long? id, int limit, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand($"""
            select d.id, d.subscription_id, d.seq_id, d.slot, d.position, f.kind, f.agreement_id, f.commitment_id, d.attempts,
                   d.created_at, d.last_attempt_at, d.next_attempt_at, d.delivered_at, d.dead_at, d.last_status, d.last_error
            from {Table} d
            join {WebhookSubscriptions.Table} s on s.id = d.subscription_id and s.removed_at is null and (s.user_name = @u or @all)
            left join {ChangeLog.Table} f on f.seq_id = d.seq_id and f.slot = d.slot
            where (@sub::uuid is null or d.subscription_id = @sub::uuid) and (@id::bigint is null or d.id = @id::bigint)
              and (@state::text is null
                   or @state::text = 'dead' and d.dead_at is not null
                   or @state::text = 'delivered' and d.delivered_at is not null
                   or @state::text = 'pending' and d.delivered_at is null and d.dead_at is null)
            order by d.id desc limit @limit
            """);
        cmd.Parameters.AddWithValue("u", user);
        cmd.Parameters.AddWithValue("all", admin);
        cmd.Parameters.Add(new NpgsqlParameter("sub", NpgsqlDbType.Uuid) { Value = (object?)subscription ?? DBNull.Value });
        cmd.Parameters.Add(new NpgsqlParameter("id", NpgsqlDbType.Bigint) { Value = (object?)id ?? DBNull.Value });
        cmd.Parameters.Add(new NpgsqlParameter("state", NpgsqlDbType.Text) { Value = (object?)state ?? DBNull.Value });
        cmd.Parameters.AddWithValue("limit", limit);
        var list = new List<Delivery>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        T? Maybe<T>(int i) where T : struct => reader.IsDBNull(i) ? null : reader.GetFieldValue<T>(i);
        string? Text(int i) => reader.IsDBNull(i) ? null : reader.GetString(i);
        while (await reader.ReadAsync(ct))
        {
            var (deliveredAt, deadAt) = (Maybe<DateTimeOffset>(12), Maybe<DateTimeOffset>(13));
            var subscriptionId = reader.GetGuid(1);
            list.Add(new Delivery(reader.GetInt64(0), subscriptionId, WebhookId(subscriptionId, reader.GetInt64(2), reader.GetInt64(3)),
                deliveredAt is not null ? States.Delivered : deadAt is not null ? States.Dead : States.Pending,
                Text(5), Text(6), Text(7), reader.GetInt64(2), reader.GetInt64(4), reader.GetInt32(8), reader.GetFieldValue<DateTimeOffset>(9),
                Maybe<DateTimeOffset>(10), deliveredAt is null && deadAt is null ? Maybe<DateTimeOffset>(11) : null, deliveredAt, deadAt,
                Maybe<int>(14), Text(15)));
        }
        return list;
    }

    public enum RetryOutcome { Retried, NotFound, Delivered }

    /// <summary>Makes a dead (or still pending) delivery due now, with a fresh retry window.</summary>
    public static async Task<RetryOutcome> RetryAsync(NpgsqlDataSource dataSource, string user, bool admin, Guid subscription, long id,
        CancellationToken ct)
    {
        var found = await ListAsync(dataSource, user, admin, subscription, null, id, 1, ct);
        if (found.Count == 0) return RetryOutcome.NotFound;
        if (found[0].State == States.Delivered) return RetryOutcome.Delivered;
        await using var cmd = dataSource.CreateCommand($"""
            update {Table} set dead_at = null, next_attempt_at = now(), window_from = now()
            where id = @id and delivered_at is null
            """);
        cmd.Parameters.AddWithValue("id", id);
        return await cmd.ExecuteNonQueryAsync(ct) == 1 ? RetryOutcome.Retried : RetryOutcome.Delivered;
    }
}
