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
        ReadAsync(dataSource, $"""
            exists (select 1 from {Watchlist.Table} w where w.user_name = @user
                      and (w.agreement_id is null or w.agreement_id = f.agreement_id)
                      and (w.commitment_id is null or w.commitment_id = f.commitment_id)
                      and (w.category is null or f.categories @> array[w.category])
                      and (w.party is null or f.agreement_id in
                           (select agreement_id from {PortfolioRows.Agreements} where parties @> array[w.party])))
            """, "user", user, before, limit, ct);

    public static Task<IReadOnlyList<FollowedChange>> ForAgreementAsync(NpgsqlDataSource dataSource, string agreementId, FeedCursor? before, int limit, CancellationToken ct) =>
        ReadAsync(dataSource, "f.agreement_id = @agreement", "agreement", agreementId, before, limit, ct);

    private static async Task<IReadOnlyList<FollowedChange>> ReadAsync(NpgsqlDataSource dataSource, string match, string name, string value,
        FeedCursor? before, int limit, CancellationToken ct)
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
        if (before is { } b)
        {
            sql.Append(" and (c.position, f.slot) < (@position, @slot)");
            cmd.Parameters.AddWithValue("position", b.Position);
            cmd.Parameters.AddWithValue("slot", b.Slot);
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
