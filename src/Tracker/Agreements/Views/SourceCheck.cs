using Npgsql;
using Tracker.Infrastructure;

namespace Tracker.Agreements;

/// <summary>
/// What the latest capture of a statement's source says beside it (kept by Sources' capturers in <c>source_captures</c>
/// and <c>source_drift</c>): whether the quote was found in the captured page or the cited document, why nothing was
/// captured, the drift flagged, and where the captured copy is. Read here, below the features that show it (history,
/// workbench, reports), so that each shows the same words.
/// </summary>
public sealed record SourceCheck(string Quote, string Shown, string? Sha256, DateTimeOffset CheckedAt, string? Refusal, string? Drift,
    bool InDocument)
{
    /// <summary>The captured copy as text (the original is served sandboxed from its own path).</summary>
    public string? CapturedCopy => Sha256 is { } h ? $"/api/captures/{h}/text" : null;

    public const string CapturesTable = TrackerHost.MartenSchema + ".source_captures";
    public const string DriftTable = TrackerHost.MartenSchema + ".source_drift";

    /// <summary>The words shown beside a statement.</summary>
    public static string Describe(string quote, string? refusal, string? drift, bool inDocument) => drift ?? quote switch
    {
        "found" => inDocument ? "quote found in the cited document" : "quote found in the captured source",
        "not-found" => inDocument ? "quote not found in the cited document" : "quote not found in the captured source",
        "not-applicable" => inDocument ? "the cited document has no text to look for the quote in"
            : "source captured; it has no text to look for the quote in",
        _ => $"source not captured: {refusal}",
    };

    /// <summary>The same words in SQL, over a capture row <c>c</c> and its drift text <paramref name="drift"/> (the evidence
    /// table is written by PostgreSQL).</summary>
    public static string DescribeSql(string drift) => $"""
        coalesce({drift}, case c.quote
            when 'found' then case when c.url like 'document:%' then 'quote found in the cited document' else 'quote found in the captured source' end
            when 'not-found' then case when c.url like 'document:%' then 'quote not found in the cited document' else 'quote not found in the captured source' end
            when 'not-applicable' then case when c.url like 'document:%' then 'the cited document has no text to look for the quote in'
                                            else 'source captured; it has no text to look for the quote in' end
            else 'source not captured: ' || coalesce(c.refusal, '') end)
        """;

    /// <summary>
    /// The statement's capture a reader is shown, as a lateral subquery over <paramref name="agreement"/> and
    /// <paramref name="statement"/> (the agreement compared in the table's collation, so that its index is used when the
    /// id comes from a portfolio table's "C" column: a mixed comparison read the whole table once per statement):
    /// the latest of its cited page's, else of its cited document's; when known at an
    /// instant (<paramref name="knownAt"/>, a parameter name), the latest captured by then.
    /// </summary>
    public static string LatestSql(string agreement, string statement, string? knownAt) => $"""
        select c.* from {CapturesTable} c
        where c.agreement_id = ({agreement}) collate "default" and c.statement_id = {statement} {(knownAt is null ? "" : $"and c.fetched_at <= {knownAt}")}
        order by (c.url like 'document:%'), c.id desc limit 1
        """;

    /// <summary>The check shown beside each statement of the agreement that has one.</summary>
    public static async Task<IReadOnlyDictionary<Guid, SourceCheck>> OfAgreementAsync(NpgsqlDataSource dataSource, string agreementId,
        DateTimeOffset? knownAt, CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return (await ReadAsync(conn, "c.agreement_id = @a", knownAt, ct, new NpgsqlParameter("a", agreementId)))
            .ToDictionary(x => x.Key.StatementId, x => x.Value);
    }

    /// <summary>The checks of these statements (a report's cited statements), by agreement and statement: one indexed read.</summary>
    public static async Task<IReadOnlyDictionary<(string AgreementId, Guid StatementId), SourceCheck>> OfStatementsAsync(NpgsqlConnection conn,
        IReadOnlyCollection<(string AgreementId, Guid StatementId)> statements, DateTimeOffset? knownAt, CancellationToken ct)
    {
        if (statements.Count == 0) return new Dictionary<(string, Guid), SourceCheck>();
        return await ReadAsync(conn, "(c.agreement_id, c.statement_id) in (select * from unnest(@as::varchar[], @ss::uuid[]))", knownAt, ct,
            new NpgsqlParameter("as", statements.Select(s => s.AgreementId).ToArray()),
            new NpgsqlParameter("ss", statements.Select(s => s.StatementId).ToArray()));
    }

    private static async Task<Dictionary<(string AgreementId, Guid StatementId), SourceCheck>> ReadAsync(NpgsqlConnection conn, string where,
        DateTimeOffset? knownAt, CancellationToken ct, params NpgsqlParameter[] parameters)
    {
        await using var cmd = new NpgsqlCommand($"""
            select distinct on (c.agreement_id, c.statement_id) c.agreement_id, c.statement_id, c.quote, encode(c.sha256, 'hex'), c.fetched_at,
                   c.refusal, {(knownAt is null ? "coalesce(c.drift, d.drift)" : "c.drift")}, c.url like 'document:%'
            from {CapturesTable} c left join {DriftTable} d on d.agreement_id = c.agreement_id and d.statement_id = c.statement_id
            where {where} and (@t::timestamptz is null or c.fetched_at <= @t)
            order by c.agreement_id, c.statement_id, (c.url like 'document:%'), c.id desc
            """, conn);
        cmd.Parameters.AddRange(parameters);
        cmd.Parameters.Add(new NpgsqlParameter("t", NpgsqlTypes.NpgsqlDbType.TimestampTz) { Value = (object?)knownAt ?? DBNull.Value });
        var map = new Dictionary<(string, Guid), SourceCheck>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            var (quote, refusal, drift, inDocument) = (r.GetString(2), r.IsDBNull(5) ? null : r.GetString(5), r.IsDBNull(6) ? null : r.GetString(6),
                r.GetBoolean(7));
            map[(r.GetString(0), r.GetGuid(1))] = new SourceCheck(quote, Describe(quote, refusal, drift, inDocument),
                r.IsDBNull(3) ? null : r.GetString(3), r.GetFieldValue<DateTimeOffset>(4), refusal, drift, inDocument);
        }
        return map;
    }
}
