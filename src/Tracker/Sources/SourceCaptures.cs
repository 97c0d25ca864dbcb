using System.Text.Json;
using Npgsql;
using Tracker.Infrastructure;

namespace Tracker.Sources;

/// <summary>
/// The captures as their events say, one row each (written in the event's transaction), and the drift flag of each
/// statement: what the workbench, the API and the reports show beside a statement, read by index.
/// </summary>
public static class SourceCaptures
{
    public const string Table = Agreements.SourceCheck.CapturesTable;
    public const string DriftTable = Agreements.SourceCheck.DriftTable;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public sealed record Row(long Id, string Url, int Round, DateTimeOffset FetchedAt, string? FinalUrl, int? Status,
        string? ContentType, string? Sha256, string Quote, TextQuoteSelector? Selector, string? Refusal, string? Drift);

    public static async Task InsertAsync(NpgsqlConnection conn, NpgsqlTransaction tx, SourceCaptured c, long sequence, CancellationToken ct)
    {
        await using (var cmd = new NpgsqlCommand($"""
            insert into {Table} (agreement_id, statement_id, url, round, fetched_at, final_url, status, content_type, sha256,
                                 quote, selector, refusal, drift, seq_id)
            values (@a, @s, @u, @r, @f, @fu, @st, @ct, @h, @q, @sel::jsonb, @ref, @d, @seq)
            """, conn, tx))
        {
            cmd.Parameters.AddWithValue("a", c.AgreementId);
            cmd.Parameters.AddWithValue("s", c.StatementId);
            cmd.Parameters.AddWithValue("u", c.Url);
            cmd.Parameters.AddWithValue("r", c.Round);
            cmd.Parameters.AddWithValue("f", c.FetchedAt);
            cmd.Parameters.AddWithValue("fu", (object?)c.FinalUrl ?? DBNull.Value);
            cmd.Parameters.AddWithValue("st", (object?)c.Status ?? DBNull.Value);
            cmd.Parameters.AddWithValue("ct", (object?)c.ContentType ?? DBNull.Value);
            cmd.Parameters.AddWithValue("h", c.Sha256 is { } h ? Convert.FromHexString(h) : DBNull.Value);
            cmd.Parameters.AddWithValue("q", c.Quote);
            cmd.Parameters.AddWithValue("sel", c.Selector is { } sel ? JsonSerializer.Serialize(sel, Json) : DBNull.Value);
            cmd.Parameters.AddWithValue("ref", (object?)c.Refusal ?? DBNull.Value);
            cmd.Parameters.AddWithValue("d", (object?)c.Drift ?? DBNull.Value);
            cmd.Parameters.AddWithValue("seq", sequence);
            await cmd.ExecuteNonQueryAsync(ct);
        }
        // Drift is the cited page's: a document's text is kept as attached and does not drift, nor clears a page's flag.
        if (DocumentCitation.Parse(c.Url) is not null) return;
        // Drift is flagged until a later capture of the statement finds the quote again.
        var sql = c.Drift is not null
            ? $"""
              insert into {DriftTable} (agreement_id, statement_id, url, drift, since) values (@a, @s, @u, @d, @f)
              on conflict (agreement_id, statement_id) do update set url = excluded.url, drift = excluded.drift, since = excluded.since
              """
            : c.Quote == QuoteState.Found ? $"delete from {DriftTable} where agreement_id = @a and statement_id = @s" : null;
        if (sql is null) return;
        await using var drift = new NpgsqlCommand(sql, conn, tx);
        drift.Parameters.AddWithValue("a", c.AgreementId);
        drift.Parameters.AddWithValue("s", c.StatementId);
        drift.Parameters.AddWithValue("u", c.Url);
        drift.Parameters.AddWithValue("d", (object?)c.Drift ?? DBNull.Value);
        drift.Parameters.AddWithValue("f", c.FetchedAt);
        await drift.ExecuteNonQueryAsync(ct);
    }

    private const string Columns = "id, url, round, fetched_at, final_url, status, content_type, encode(sha256, 'hex'), quote, selector::text, refusal, drift";

    private static Row Read(NpgsqlDataReader r) => new(r.GetInt64(0), r.GetString(1), r.GetInt32(2), r.GetFieldValue<DateTimeOffset>(3),
        r.IsDBNull(4) ? null : r.GetString(4), r.IsDBNull(5) ? null : r.GetInt32(5), r.IsDBNull(6) ? null : r.GetString(6),
        r.IsDBNull(7) ? null : r.GetString(7), r.GetString(8),
        r.IsDBNull(9) ? null : JsonSerializer.Deserialize<TextQuoteSelector>(r.GetString(9), Json),
        r.IsDBNull(10) ? null : r.GetString(10), r.IsDBNull(11) ? null : r.GetString(11));

    /// <summary>The latest capture of the statement's source at this URL (a page and a cited document are apart) that got
    /// something to look in (a refusal says nothing about drift).</summary>
    public static async Task<Row?> LatestAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, string agreementId, Guid statementId,
        string url, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand($"""
            select {Columns} from {Table} where agreement_id = @a and statement_id = @s and url = @u and quote <> 'not-captured'
            order by id desc limit 1
            """, conn, tx);
        cmd.Parameters.AddWithValue("a", agreementId);
        cmd.Parameters.AddWithValue("s", statementId);
        cmd.Parameters.AddWithValue("u", url);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? Read(reader) : null;
    }

    /// <summary>One page of a statement's captures, newest first (a daily recheck adds one a day), and how many there are.</summary>
    public static async Task<(IReadOnlyList<Row> Rows, int Total)> OfStatementAsync(NpgsqlDataSource dataSource, string agreementId, Guid statementId,
        Http.Paging paging, CancellationToken ct)
    {
        await using var batch = dataSource.CreateBatch();
        batch.BatchCommands.Add(new NpgsqlBatchCommand($"select {Columns} from {Table} where agreement_id = $1 and statement_id = $2 order by id desc offset $3 limit $4")
        {
            Parameters = { new() { Value = agreementId }, new() { Value = statementId }, new() { Value = paging.Offset }, new() { Value = paging.Size } },
        });
        batch.BatchCommands.Add(new NpgsqlBatchCommand($"select count(*) from {Table} where agreement_id = $1 and statement_id = $2")
        {
            Parameters = { new() { Value = agreementId }, new() { Value = statementId } },
        });
        var rows = new List<Row>();
        await using var reader = await batch.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) rows.Add(Read(reader));
        await reader.NextResultAsync(ct);
        await reader.ReadAsync(ct);
        return (rows, (int)reader.GetInt64(0));
    }
}
