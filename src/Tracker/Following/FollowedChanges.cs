using System.Text;
using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using Tracker.Infrastructure;
using Tracker.Portfolio;

namespace Tracker.Following;

/// <summary>An entry of the change feed as a follower reads it: with the quote of the statement that caused it.</summary>
public sealed record FollowedChange(long Sequence, long Slot, long Position, string Kind, string AgreementId, string? CommitmentId,
    Guid? StatementId, string? Reason, DateTimeOffset RecordedAt, StatusNow? Before, StatusNow? After, string? Quote)
{
    public FeedCursor Cursor => new(Position, Slot);

    /// <summary>What changed, in a line: "air-defence-joint-production: under-examination → announced".</summary>
    public string Title => Kind == ChangeLog.Kinds.StatusChanged
        ? $"{CommitmentId}: {Describe(Before)} → {Describe(After)}"
        : $"{AgreementId}: {Kind.Replace('-', ' ')}";

    /// <summary>The workbench page of what changed: the commitment's, or the agreement's for a statement's entry.</summary>
    public string Page => $"/agreements/{Uri.EscapeDataString(AgreementId)}"
                          + (CommitmentId is { } c ? $"/commitments/{Uri.EscapeDataString(c)}" : "");

    private static string Describe(StatusNow? s) =>
        s is null ? "none" : (s.Stage ?? "none") + (s.Contested ? " (contested)" : "") + (s.Overdue ? " (overdue)" : "");
}

/// <summary>
/// The newest entries of the change feed that a user's watchlist (or one agreement) matches, newest first in commit
/// order (the chain's positions), a page at a time: <c>before</c> is the last page's oldest entry.
/// </summary>
public static class FollowedChanges
{
    public const int PageSize = 50;

    public static Task<IReadOnlyList<FollowedChange>> ForUserAsync(NpgsqlDataSource dataSource, string user, FeedCursor? before, int limit, CancellationToken ct) =>
        ReadAsync(dataSource, UserMatch, "user", user, new Bounds(Before: before), limit, ct);

    /// <summary>What the user's watchlist matches after <paramref name="after"/> and before <paramref name="before"/>
    /// (positions in commit order), recorded since <paramref name="since"/> if given, newest first: a digest's changes.</summary>
    public static Task<IReadOnlyList<FollowedChange>> ForUserBetweenAsync(NpgsqlDataSource dataSource, string user, FeedCursor after,
        FeedCursor before, DateTimeOffset? since, int limit, CancellationToken ct) =>
        ReadAsync(dataSource, UserMatch, "user", user, new Bounds(before, after, since), limit, ct);

    public static Task<IReadOnlyList<FollowedChange>> ForAgreementAsync(NpgsqlDataSource dataSource, string agreementId, FeedCursor? before, int limit, CancellationToken ct) =>
        ReadAsync(dataSource, "f.agreement_id = @agreement", "agreement", agreementId, new Bounds(Before: before), limit, ct);

    private static readonly string UserMatch = $"exists (select 1 from {Watchlist.Table} w where w.user_name = @user and {Watchlist.Matches})";

    private sealed record Bounds(FeedCursor? Before = null, FeedCursor? After = null, DateTimeOffset? Since = null);

    private static async Task<IReadOnlyList<FollowedChange>> ReadAsync(NpgsqlDataSource dataSource, string match, string name, string value,
        Bounds bounds, int limit, CancellationToken ct)
    {
        var sql = new StringBuilder($"""
            select f.seq_id, f.slot, c.position, f.kind, f.agreement_id, f.commitment_id, f.statement_id, f.reason, f.recorded_at,
                   f.before::text, f.after::text, s.quote
            from {ChangeLog.Table} f
            join {TrackerHost.MartenSchema}.event_chain c on c.seq_id = f.seq_id
            left join {TrackerHost.MartenSchema}.statement_search s on s.agreement_id = f.agreement_id and s.statement_id = f.statement_id
            where {match}
            """);
        await using var cmd = dataSource.CreateCommand();
        cmd.Parameters.AddWithValue(name, value);
        if (bounds.Before is { } b)
        {
            sql.Append(" and (c.position, f.slot) < (@position, @slot)");
            cmd.Parameters.AddWithValue("position", b.Position);
            cmd.Parameters.AddWithValue("slot", b.Slot);
        }
        if (bounds.After is { } a)
        {
            sql.Append(" and c.position >= @afterPosition and (c.position, f.slot) > (@afterPosition, @afterSlot)");
            cmd.Parameters.AddWithValue("afterPosition", a.Position);
            cmd.Parameters.AddWithValue("afterSlot", a.Slot);
        }
        if (bounds.Since is { } since)
        {
            sql.Append(" and f.recorded_at >= @since");
            cmd.Parameters.AddWithValue("since", since);
        }
        sql.Append(" order by c.position desc, f.slot desc limit @limit");
        cmd.Parameters.Add(new NpgsqlParameter("limit", NpgsqlDbType.Integer) { Value = limit });
        cmd.CommandText = sql.ToString();
        var changes = new List<FollowedChange>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        string? Text(int i) => reader.IsDBNull(i) ? null : reader.GetString(i);
        StatusNow? Status(int i) => reader.IsDBNull(i) ? null : JsonSerializer.Deserialize<StatusNow>(reader.GetString(i), PortfolioJson.Options);
        while (await reader.ReadAsync(ct))
            changes.Add(new FollowedChange(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetString(3), reader.GetString(4),
                Text(5), reader.IsDBNull(6) ? null : reader.GetGuid(6), Text(7), reader.GetFieldValue<DateTimeOffset>(8),
                Status(9), Status(10), Text(11)));
        return changes;
    }
}
