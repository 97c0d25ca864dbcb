using Npgsql;
using NpgsqlTypes;
using Tracker.Agreements;
using Tracker.Agreements.Deciding;
using Tracker.Infrastructure;
using Tracker.Infrastructure.Database;
using Tracker.Kernel;
using Tracker.Portfolio;
using Tracker.Reports;
using Tracker.Reports.Rendering;

namespace Tracker.Following.Webhooks;

/// <summary>Which feed entries a subscription receives: every field given must match (none: every agreement).</summary>
public sealed record SubscriptionFilter(string? Agreement = null, string? Party = null, string? Category = null);

/// <param name="Events">Kinds of feed entry to receive; <c>status-changed</c> when not given.</param>
public sealed record SubscriptionRequest(string? Url = null, SubscriptionFilter? Filter = null, IReadOnlyList<string>? Events = null);

/// <summary>A subscription as listed: never its secret, which is shown once, when it is created.</summary>
public sealed record Subscription(Guid Id, string Url, SubscriptionFilter Filter, IReadOnlyList<string> Events, string CreatedBy,
    DateTimeOffset CreatedAt);

/// <param name="Secret">The signing secret (<c>whsec_…</c>), shown only in this answer: keep it to verify signatures.</param>
public sealed record SubscriptionCreated(Guid Id, string Url, SubscriptionFilter Filter, IReadOnlyList<string> Events, string CreatedBy,
    DateTimeOffset CreatedAt, string Secret);

/// <summary>The subscriptions (<c>migrations/0012_webhooks.sql</c>), each attributed to the user who created it.</summary>
public static class WebhookSubscriptions
{
    public const string Table = TrackerHost.MartenSchema + ".webhook_subscriptions";

    /// <summary>The kinds a subscription may ask for: the change feed's.</summary>
    public static readonly IReadOnlyList<string> Kinds =
        [ChangeLog.Kinds.StatusChanged, ChangeLog.Kinds.Recorded, ChangeLog.Kinds.Corrected, ChangeLog.Kinds.Retracted];

    /// <summary>Checks the target (<see cref="Infrastructure.Net.OutboundTargets"/>), the events, and the filter as the feed's filters are
    /// checked (a party code or alias through the registry); every error names its field, as sent.</summary>
    public static async Task<(List<FieldError> Errors, SubscriptionRequest? Resolved)> ResolveAsync(NpgsqlDataSource dataSource,
        PortfolioReads portfolio, SubscriptionRequest request, bool allowPrivateTargets, CancellationToken ct)
    {
        // Text the database cannot compare (U+0000, lone surrogates, control characters) goes no further than here.
        var errors = StorableText.Problems(new (string Field, string? Text)[] { ("url", request.Url),
                ("filter.agreement", request.Filter?.Agreement), ("filter.party", request.Filter?.Party),
                ("filter.category", request.Filter?.Category) }
            .Concat((request.Events ?? []).Select((e, i) => ($"events[{i}]", (string?)e))));
        if (errors.Count > 0) return (errors, null);

        if (string.IsNullOrWhiteSpace(request.Url)) errors.Add(new FieldError("url", "is required: the http or https address to POST changes to"));
        else if (await Infrastructure.Net.OutboundTargets.CheckAsync(request.Url, allowPrivateTargets, ct) is { } refused) errors.Add(new FieldError("url", refused));

        var events = request.Events ?? [ChangeLog.Kinds.StatusChanged];
        if (events.Count == 0) errors.Add(new FieldError("events", $"name at least one of: {string.Join(", ", Kinds)}"));
        for (var i = 0; i < events.Count; i++)
            if (!Kinds.Contains(events[i]))
                errors.Add(new FieldError($"events[{i}]", $"'{events[i]}' is not an entry kind; one of: {string.Join(", ", Kinds)}"));

        string? Given(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
        var filter = request.Filter ?? new SubscriptionFilter();
        var (filterErrors, status) = await ReportRequests.ParseStatusAsync(dataSource,
            new StatusFilterText(Given(filter.Agreement), Given(filter.Party), Given(filter.Category)), null, null, null, ReportFormat.Json, ct);
        var found = new List<FieldError>(filterErrors);
        await portfolio.CheckAgreementAsync(status?.Filter, found, ct);
        errors.AddRange(found.Select(e => e with { Field = "filter." + e.Field }));
        if (errors.Count > 0) return (errors, null);

        var f = status!.Filter;
        return (errors, new SubscriptionRequest(request.Url!.Trim(),
            new SubscriptionFilter(f.Agreement, f.Party, f.Category is { } c ? Vocabulary.NameOf(c) : null), events.Distinct().ToList()));
    }

    /// <summary>Stores a resolved subscription for the user, receiving what commits after it; answers it with its secret.</summary>
    /// <returns>Null when the user already has <paramref name="maxPerUser"/> subscriptions: nothing is stored.</returns>
    public static async Task<SubscriptionCreated?> AddAsync(NpgsqlDataSource dataSource, WebhookSecrets secrets, string user,
        SubscriptionRequest resolved, int maxPerUser, CancellationToken ct)
    {
        var secret = WebhookSecrets.New();
        // Every change is written once per matching subscription: the cap bounds what one account can make the service
        // store and send.
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        if (!await PerUserLimit.HasRoomAsync(conn, tx, Table, user, maxPerUser, ct, "removed_at is null")) return null;
        await using var cmd = new NpgsqlCommand($"""
            insert into {Table} (id, user_name, url, agreement_id, party, category, events, secret, created_at, from_position)
            values (@id, @u, @url, @a, @p, @k, @e, @s, now(),
                    (select coalesce(max(position), 0) from {TrackerHost.MartenSchema}.event_chain))
            returning created_at
            """, conn, tx);
        var id = Guid.CreateVersion7();
        cmd.Parameters.AddWithValue("id", id);
        cmd.Parameters.AddWithValue("u", user);
        cmd.Parameters.AddWithValue("url", resolved.Url!);
        AddText(cmd, "a", resolved.Filter!.Agreement);
        AddText(cmd, "p", resolved.Filter.Party);
        AddText(cmd, "k", resolved.Filter.Category);
        cmd.Parameters.AddWithValue("e", resolved.Events!.ToArray());
        cmd.Parameters.AddWithValue("s", secrets.Protect(secret));
        var createdAt = (DateTime)(await cmd.ExecuteScalarAsync(ct))!;
        await tx.CommitAsync(ct);
        return new SubscriptionCreated(id, resolved.Url!, resolved.Filter, resolved.Events!, user, new DateTimeOffset(createdAt, TimeSpan.Zero), secret);
    }

    /// <summary>The user's subscriptions that are not removed; an admin's list is everyone's (an admin answers for
    /// where the service sends data).</summary>
    public static async Task<IReadOnlyList<Subscription>> ListAsync(NpgsqlDataSource dataSource, string user, bool admin, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand($"""
            select id, url, agreement_id, party, category, events, user_name, created_at from {Table}
            where removed_at is null and (user_name = @u or @all) order by created_at, id
            """);
        cmd.Parameters.AddWithValue("u", user);
        cmd.Parameters.AddWithValue("all", admin);
        var list = new List<Subscription>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        string? Text(int i) => reader.IsDBNull(i) ? null : reader.GetString(i);
        while (await reader.ReadAsync(ct))
            list.Add(new Subscription(reader.GetGuid(0), reader.GetString(1), new SubscriptionFilter(Text(2), Text(3), Text(4)),
                reader.GetFieldValue<string[]>(5), reader.GetString(6), reader.GetFieldValue<DateTimeOffset>(7)));
        return list;
    }

    /// <summary>Whether the subscription exists, is not removed, and is the user's (or the user is an admin).</summary>
    public static async Task<bool> IsVisibleAsync(NpgsqlConnection conn, Guid id, string user, bool admin, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand($"select exists (select 1 from {Table} where id = @id and removed_at is null and (user_name = @u or @all))", conn);
        cmd.Parameters.AddWithValue("id", id);
        cmd.Parameters.AddWithValue("u", user);
        cmd.Parameters.AddWithValue("all", admin);
        return (bool)(await cmd.ExecuteScalarAsync(ct))!;
    }

    /// <summary>Removes one of the user's subscriptions (an admin: anyone's); its undelivered deliveries are dead-lettered
    /// with the reason. False when there is no such subscription the user may remove.</summary>
    public static async Task<bool> RemoveAsync(NpgsqlDataSource dataSource, Guid id, string user, bool admin, CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await using (var remove = new NpgsqlCommand(
            $"update {Table} set removed_at = now() where id = @id and removed_at is null and (user_name = @u or @all)", conn, tx))
        {
            remove.Parameters.AddWithValue("id", id);
            remove.Parameters.AddWithValue("u", user);
            remove.Parameters.AddWithValue("all", admin);
            if (await remove.ExecuteNonQueryAsync(ct) == 0) return false;
        }
        await using (var undelivered = new NpgsqlCommand($"""
            update {WebhookDeliveries.Table} set dead_at = now(), last_error = 'the subscription was removed'
            where subscription_id = @id and delivered_at is null and dead_at is null
            """, conn, tx))
        {
            undelivered.Parameters.AddWithValue("id", id);
            await undelivered.ExecuteNonQueryAsync(ct);
        }
        await tx.CommitAsync(ct);
        return true;
    }

    private static void AddText(NpgsqlCommand cmd, string name, string? value) =>
        cmd.Parameters.Add(new NpgsqlParameter(name, NpgsqlDbType.Text) { Value = (object?)value ?? DBNull.Value });
}
