using Npgsql;
using Tracker.Http;
using Tracker.Infrastructure.Database;

namespace Tracker.Search;

/// <summary>A stretch of a hit's text, marked when it matched the search.</summary>
public readonly record struct Snippet(string Text, bool Match);

public sealed record SearchHit(string AgreementId, Guid StatementId, string SaidOn, string Speaker, string? Role,
    string? Actor, string Outlet, string? Url, IReadOnlyList<Snippet> Quote, IReadOnlyList<Snippet> Translation,
    string Language, IReadOnlyList<string> CommitmentIds, bool Retracted, DateTimeOffset RecordedAt, float Rank,
    bool Counts = true, string? Review = null)
{
    /// <summary>How the hit is marked where review is required: a proposal that does not count (awaiting review,
    /// returned or rejected), or an approved reading whose change awaits review; null when nothing is to be said.</summary>
    public string? ReviewMark => (Counts, Review) switch
    {
        (false, Agreements.ProposalStates.Awaiting) => "awaiting review",
        (false, Agreements.ProposalStates.Returned) => "returned in review, not counted",
        (false, Agreements.ProposalStates.Rejected) => "rejected in review, not counted",
        (true, Agreements.ProposalStates.Awaiting) => "a change awaits review",
        _ => null,
    };
}

/// <param name="Total">Exact when <paramref name="Ranked"/>; otherwise the cap (more statements match).</param>
public sealed record SearchResults(string Query, IReadOnlyList<SearchHit> Hits, int Total, bool Ranked, int Page, int PageSize);

/// <summary>
/// Full-text search across quotes, translations, speakers and outlets, ranked (quote and translation first), each
/// hit's matching words marked. The query is read as a web search (<c>"exact phrase"</c>, <c>or</c>, <c>-word</c>)
/// word for word and in the common languages' stemming, so a malformed query matches less, never fails. A query
/// that matches more than <see cref="RankedAtMost"/> statements lists them newest first and says so. Statements
/// proposed where review is required are found too, each marked (<see cref="SearchHit.ReviewMark"/>).
/// </summary>
/// <param name="rankedAtMost">Up to this many matches are ranked; beyond it, matches are listed newest first.</param>
public sealed class StatementSearch(ReportDataSource sources, int rankedAtMost = StatementSearch.RankedAtMost)
{
    // Search may lag the latest write by a standby's replay (see ReportDataSource).
    private readonly NpgsqlDataSource database = sources.DataSource;
    public const int MaxQueryLength = 200;
    // Markers PostgreSQL puts around matches; stored text never holds control characters (Checks refuses them).
    private const char Start = '\u0002', Stop = '\u0003';

    public const int RankedAtMost = 500;

    public async Task<SearchResults> FindAsync(string query, Paging paging, CancellationToken ct)
    {
        var tsquery = string.Join(" || ", SearchLanguages.QueryConfigs.Select(c => $"websearch_to_tsquery('{c}', @q)"));
        await using var conn = await database.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, ct);

        // Counting stops past the cap: a common word's matches are neither counted nor ranked one by one.
        await using var count = new NpgsqlCommand($"""
            select count(*) from (select 1 from {StatementSearchProjection.Table}
                                  where document @@ ({tsquery}) limit {rankedAtMost + 1}) m
            """, conn, tx);
        count.Parameters.AddWithValue("q", query);
        var matches = (int)(long)(await count.ExecuteScalarAsync(ct))!;
        var ranked = matches <= rankedAtMost;

        await using var cmd = new NpgsqlCommand($"""
            with q as (select {tsquery} as query),
            hits as (
                select s.*, {(ranked ? "ts_rank_cd(s.document, q.query)" : "0::real")} as rank
                from {StatementSearchProjection.Table} s, q
                where s.document @@ q.query
                order by {(ranked ? "rank desc, " : "")}s.recorded_at desc, s.agreement_id, s.statement_id
                limit @size offset @offset)
            select h.agreement_id, h.statement_id, h.said_on, h.speaker, h.role, h.actor, h.outlet, h.url,
                   ts_headline(h.config, h.quote, q.query, case when length(h.quote) <= @whole then @all else @options end),
                   case when h.translation is null then null
                        else ts_headline('english', h.translation, q.query,
                                         case when length(h.translation) <= @whole then @all else @options end) end,
                   h.language, h.commitment_ids, h.retracted, h.recorded_at, h.rank, h.counted, h.review
            from hits h, q
            order by h.rank desc, h.recorded_at desc, h.agreement_id, h.statement_id
            """, conn, tx);
        cmd.Parameters.AddWithValue("q", query);
        cmd.Parameters.AddWithValue("size", paging.Size);
        cmd.Parameters.AddWithValue("offset", paging.Offset);
        // A quote of a few sentences is shown whole; a longer one as the fragments around its matches.
        cmd.Parameters.AddWithValue("whole", 400);
        cmd.Parameters.AddWithValue("all", $"StartSel={Start}, StopSel={Stop}, HighlightAll=true");
        cmd.Parameters.AddWithValue("options",
            $"StartSel={Start}, StopSel={Stop}, MaxFragments=3, MaxWords=40, MinWords=15, FragmentDelimiter=\" … \"");
        var hits = new List<SearchHit>();
        await using (var reader = await cmd.ExecuteReaderAsync(ct))
            while (await reader.ReadAsync(ct))
                hits.Add(new SearchHit(reader.GetString(0), reader.GetGuid(1), reader.GetString(2), reader.GetString(3),
                    reader.IsDBNull(4) ? null : reader.GetString(4), reader.IsDBNull(5) ? null : reader.GetString(5),
                    reader.GetString(6), reader.IsDBNull(7) ? null : reader.GetString(7), Snippets(reader.GetString(8)),
                    reader.IsDBNull(9) ? [] : Snippets(reader.GetString(9)), reader.GetString(10),
                    reader.GetFieldValue<string[]>(11), reader.GetBoolean(12), reader.GetFieldValue<DateTimeOffset>(13),
                    reader.GetFloat(14), reader.GetBoolean(15), reader.IsDBNull(16) ? null : reader.GetString(16)));
        return new SearchResults(query, hits, Math.Min(matches, rankedAtMost), ranked, paging.Page, paging.Size);
    }

    /// <summary>Splits a headline at PostgreSQL's markers into plain and matching stretches.</summary>
    internal static IReadOnlyList<Snippet> Snippets(string headline)
    {
        var parts = new List<Snippet>();
        var rest = headline.AsSpan();
        while (rest.Length > 0)
        {
            var start = rest.IndexOf(Start);
            if (start < 0) { parts.Add(new Snippet(rest.ToString(), false)); break; }
            if (start > 0) parts.Add(new Snippet(rest[..start].ToString(), false));
            rest = rest[(start + 1)..];
            var stop = rest.IndexOf(Stop);
            var match = stop < 0 ? rest : rest[..stop];
            parts.Add(new Snippet(match.ToString(), true));
            rest = stop < 0 ? [] : rest[(stop + 1)..];
        }
        return parts;
    }
}
