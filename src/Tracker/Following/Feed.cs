using System.Data;
using System.Text;
using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using Tracker.Agreements;
using Tracker.Infrastructure;
using Tracker.Kernel;
using Tracker.Portfolio;
using Tracker.Reports;
using Tracker.Reports.Rendering;

namespace Tracker.Following;

/// <summary>One entry of the change feed: a statement's lifecycle (recorded, corrected, retracted — the tombstone a
/// mirror deletes by) or a commitment's status change, with the chain's hash of the event that caused it.</summary>
/// <param name="Cursor">Resume after this entry by passing it as <c>after</c>; also the entry's stable id.</param>
/// <param name="Position">The event's chain position: the order its write committed in.</param>
public sealed record FeedEntry(string Cursor, long Position, string Kind, string AgreementId, string? CommitmentId,
    IReadOnlyList<string> Categories, Guid? StatementId, string? Reason, DateTimeOffset RecordedAt, string? RecordedBy,
    long EventSequence, string ChainHash, StatusNow? Before, StatusNow? After);

/// <param name="Cursor">Pass as <c>after</c> to read on; it may move past events with no entry for this filter.</param>
/// <param name="More">Whether entries may follow already (read again at once); when false, the feed is read up to
/// the latest commit.</param>
public sealed record FeedPage(IReadOnlyList<FeedEntry> Entries, string Cursor, bool More);

public sealed record FeedRequest(FeedCursor After, int Limit, string? Agreement, string? Party, Category? Category)
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1000;

    /// <summary>Filters as the status report takes them (party codes and aliases through the registry); an unknown
    /// value is an error naming its field, never an empty feed.</summary>
    public static async Task<(List<FieldError> Errors, FeedRequest? Request)> ParseAsync(NpgsqlDataSource dataSource,
        PortfolioReads portfolio, string? after, int? limit, string? agreement, string? party, string? category, CancellationToken ct)
    {
        var errors = new List<FieldError>();
        if (!FeedCursor.TryParse(after, out var cursor))
            errors.Add(new FieldError("after", "is not a cursor this feed gave out: pass an entry's or a page's cursor unchanged"));
        if (limit is < 1 or > MaxLimit) errors.Add(new FieldError("limit", $"must be between 1 and {MaxLimit}"));
        var (filterErrors, status) = await ReportRequests.ParseStatusAsync(dataSource, new StatusFilterText(agreement, party, category),
            null, null, null, ReportFormat.Json, ct);
        errors.AddRange(filterErrors);
        await portfolio.CheckAgreementAsync(status?.Filter, errors, ct);
        if (errors.Count > 0) return (errors, null);
        var f = status!.Filter;
        return (errors, new FeedRequest(cursor, limit ?? DefaultLimit, f.Agreement, f.Party, f.Category));
    }
}

/// <summary>
/// Reads the feed in commit order: the chain's positions (<c>tracker.event_chain</c>), joined to the change log.
/// Why a cursor never skips or repeats, whatever the writers: positions are assigned by the chain's trigger at commit,
/// under one transaction-scoped advisory lock, each as the previous maximum + 1 read after taking the lock. The lock is
/// released only after the holder's commit is visible, so position N+1 is assigned after N committed and is visible
/// only after it: positions are gap-free in commit order, and a snapshot that sees the largest position P sees every
/// position up to P. A page is read in one snapshot (repeatable read), bounded by the P it sees; the cursor moves at
/// most to P. An entry is written in the same transaction as its event's chain row, so it is visible exactly when its
/// position is. Sequence numbers (<c>seq_id</c>) would not do: they are drawn before commit, out of commit order.
/// </summary>
public static class Feed
{
    /// <summary>Chain positions one page reads at most: a filter that matches rarely still answers in bounded time, and
    /// the cursor moves past what it read (<see cref="FeedPage.More"/> says to read on).</summary>
    public const long Window = 50_000;

    public static async Task<FeedPage> ReadAsync(NpgsqlDataSource dataSource, FeedRequest request, CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(IsolationLevel.RepeatableRead, ct);
        long head;
        await using (var max = new NpgsqlCommand($"select coalesce(max(position), 0) from {TrackerHost.MartenSchema}.event_chain", conn, tx))
            head = (long)(await max.ExecuteScalarAsync(ct))!;
        var after = request.After;
        var to = Math.Min(head, after.Position > long.MaxValue - Window ? long.MaxValue : after.Position + Window);

        var sql = new StringBuilder($"""
            select c.position, f.slot, f.kind, f.agreement_id, f.commitment_id, f.categories, f.statement_id, f.reason,
                   f.recorded_at, f.recorded_by, f.seq_id, c.hash, f.before::text, f.after::text
            from {TrackerHost.MartenSchema}.event_chain c
            join {ChangeLog.Table} f on f.seq_id = c.seq_id
            where c.position >= @from and c.position <= @to and (c.position, f.slot) > (@from, @slot)
            """);
        await using var cmd = new NpgsqlCommand { Connection = conn, Transaction = tx };
        cmd.Parameters.AddWithValue("from", after.Position);
        cmd.Parameters.AddWithValue("slot", after.Slot);
        cmd.Parameters.AddWithValue("to", to);
        if (request.Agreement is { } agreement)
        {
            sql.Append(" and c.stream_id = @agreement");
            cmd.Parameters.AddWithValue("agreement", agreement);
        }
        if (request.Party is { } party)
        {
            sql.Append($" and c.stream_id in (select agreement_id from {PortfolioRows.Agreements} where parties @> array[@party]::text[])");
            cmd.Parameters.AddWithValue("party", party);
        }
        if (request.Category is { } category)
        {
            sql.Append(" and f.categories @> array[@category]::text[]");
            cmd.Parameters.AddWithValue("category", Vocabulary.NameOf(category));
        }
        sql.Append(" order by c.position, f.slot limit @limit");
        cmd.Parameters.Add(new NpgsqlParameter("limit", NpgsqlDbType.Integer) { Value = request.Limit });
        cmd.CommandText = sql.ToString();

        var entries = new List<FeedEntry>(Math.Min(request.Limit, 256));
        var last = after;
        await using (var reader = await cmd.ExecuteReaderAsync(ct))
            while (await reader.ReadAsync(ct))
            {
                var position = reader.GetInt64(0);
                var slot = reader.GetInt64(1);
                last = new FeedCursor(position, slot);
                entries.Add(new FeedEntry(new FeedCursor(position, slot).ToString(), position, reader.GetString(2), reader.GetString(3),
                    reader.IsDBNull(4) ? null : reader.GetString(4), reader.GetFieldValue<string[]>(5),
                    reader.IsDBNull(6) ? null : reader.GetGuid(6), reader.IsDBNull(7) ? null : reader.GetString(7),
                    reader.GetFieldValue<DateTimeOffset>(8), reader.IsDBNull(9) ? null : reader.GetString(9), reader.GetInt64(10),
                    Convert.ToHexStringLower(reader.GetFieldValue<byte[]>(11)), Status(reader, 12), Status(reader, 13)));
            }
        await tx.CommitAsync(ct);

        var full = entries.Count == request.Limit;
        // A full page resumes after its last entry (the same event may have more); otherwise every entry up to `to`
        // was read and the cursor moves there, never past the head this snapshot saw.
        var next = full ? last
            : to > after.Position ? new FeedCursor(to, long.MaxValue) : after;
        return new FeedPage(entries, next.ToString(), full || to < head);
    }

    private static StatusNow? Status(NpgsqlDataReader reader, int column) =>
        reader.IsDBNull(column) ? null : JsonSerializer.Deserialize<StatusNow>(reader.GetString(column), PortfolioJson.Options);
}
