using Marten;
using Tracker.Agreements;
using Tracker.Infrastructure;

namespace Tracker.Portfolio;

/// <summary>
/// The portfolio tables' rows and how a page of them is written: per table one DELETE, one UPDATE (closing rows) and
/// one INSERT, each over arrays, whatever the page's size. Open ranges end at infinity, which
/// <see cref="DateOnly.MaxValue"/> and <see cref="DateTimeOffset.MaxValue"/> stand for (Npgsql maps them).
/// </summary>
public static class PortfolioRows
{
    public const string Agreements = TrackerHost.MartenSchema + ".portfolio_agreements";
    public const string Status = TrackerHost.MartenSchema + ".portfolio_status";
    public const string Now = TrackerHost.MartenSchema + ".portfolio_now";
    public const string Transitions = TrackerHost.MartenSchema + ".portfolio_transitions";
    public const string Statements = TrackerHost.MartenSchema + ".portfolio_statements";
    public const string Facts = TrackerHost.MartenSchema + ".portfolio_facts";
    public static readonly string[] Tables = [Agreements, Status, Now, Transitions, Statements, Facts];

    public sealed record AgreementRow(string AgreementId, string Title, string[] Parties, string? Summary, string[] Tags,
        string OpenedJson, DateTimeOffset OpenedAt);

    public sealed record StatusRow(string AgreementId, long Ordinal, string CommitmentId, DateTimeOffset KnownFrom,
        DateOnly ValidFrom, DateOnly ValidTo, string Category, string? Stage, bool Contested, string Json);

    public sealed record NowRow(string AgreementId, long Ordinal, string Category, string? Stage, bool Contested);

    public sealed record TransitionRow(string AgreementId, long Ordinal, int Seq, DateTimeOffset KnownFrom, int SaidKey,
        DateOnly SaidEnd, string Json);

    public sealed record StatementRow(string AgreementId, Guid StatementId, DateTimeOffset KnownFrom, int SaidKey,
        DateOnly SaidEnd, bool Retracted);

    /// <summary>A said-on date as one sortable number: its first day, then its precision (the order of <see cref="SaidOn"/>).</summary>
    public static int SaidKey(SaidOn saidOn) => saidOn.Start.DayNumber * 4 + (int)saidOn.Precision;

    public static SaidOn FromSaidKey(int key) => new(DateOnly.FromDayNumber(key / 4), (DatePrecision)(key % 4));

    private static readonly DateTimeOffset Open = DateTimeOffset.MaxValue;

    /// <summary>Up to this many rows are written one statement each (issue 20): a statement keyed by scalars is planned once
    /// per connection, one over arrays is planned again for each call when its plan depends on them.</summary>
    internal const int FewRows = 4;

    /// <summary>The facts of every statement of the given commitments, by commitment.</summary>
    internal static async Task<ILookup<string, StatementFacts>> FactsOfAsync(IQuerySession session, IReadOnlyCollection<string> files,
        CancellationToken ct)
    {
        // As text, read with the same options as written: Marten's own serializer is configured apart.
        var rows = await session.AdvancedSql.QueryAsync<string>(
            $"select json_build_object('file', commitment_key, 'facts', facts)::text from {Facts} where commitment_key = any(?::text[])",
            ct, [files.ToArray()]); // one parameter: a string[] passed bare would be taken as the params array
        return rows.Select(r => System.Text.Json.JsonSerializer.Deserialize<FactsRow>(r, PortfolioJson.Options)!)
            .ToLookup(r => r.File, r => r.Facts, StringComparer.Ordinal);
    }

    private sealed record FactsRow(string File, StatementFacts Facts);

    internal static void Write(IDocumentOperations ops, List<AgreementRow> agreements,
        RowChanges<(string, long, DateTimeOffset, DateOnly), StatusRow> status,
        RowChanges<(string, long, DateTimeOffset, int), TransitionRow> transitions,
        RowChanges<(string, Guid, DateTimeOffset), StatementRow> statements, IReadOnlyCollection<NowRow> now,
        IReadOnlyDictionary<(string File, Guid Statement), StatementFacts?> facts)
    {
        var kept = facts.Where(f => f.Value is not null).ToList();
        if (kept.Count > 0)
            ops.QueueSqlCommand($"""
                insert into {Facts} (commitment_key, statement_id, facts)
                select k, s, f::json from unnest(?::text[], ?::uuid[], ?::text[]) as r(k, s, f)
                on conflict (commitment_key, statement_id) do update set facts = excluded.facts
                """,
                kept.Select(f => f.Key.File).ToArray(), kept.Select(f => f.Key.Statement).ToArray(),
                kept.Select(f => System.Text.Json.JsonSerializer.Serialize(f.Value, PortfolioJson.Options)).ToArray());
        var dropped = facts.Where(f => f.Value is null).Select(f => f.Key).ToList();
        if (dropped.Count > 0)
            ops.QueueSqlCommand($"""
                delete from {Facts} f using unnest(?::text[], ?::uuid[]) as k(k, s)
                where f.commitment_key = k.k and f.statement_id = k.s
                """,
                dropped.Select(f => f.File).ToArray(), dropped.Select(f => f.Statement).ToArray());

        if (now.Count > 0)
            ops.QueueSqlCommand($"""
                insert into {Now} (agreement_id, ordinal, category, stage, contested)
                select * from unnest(?::text[], ?::bigint[], ?::text[], ?::text[], ?::boolean[])
                on conflict (agreement_id, ordinal) do update
                    set category = excluded.category, stage = excluded.stage, contested = excluded.contested
                """,
                now.Select(r => r.AgreementId).ToArray(), now.Select(r => r.Ordinal).ToArray(),
                now.Select(r => r.Category).ToArray(), now.Select(r => r.Stage).ToArray(), now.Select(r => r.Contested).ToArray());

        if (agreements.Count > 0)
            ops.QueueSqlCommand($"""
                insert into {Agreements} (agreement_id, title, parties, summary, tags, opened, opened_at)
                select a, t, (select array_agg(p) from jsonb_array_elements_text(ps::jsonb) p),
                       s, (select coalesce(array_agg(g), array[]::text[]) from jsonb_array_elements_text(gs::jsonb) g), o::jsonb, oa
                from unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::timestamptz[])
                     as r(a, t, ps, s, gs, o, oa)
                """,
                agreements.Select(a => a.AgreementId).ToArray(), agreements.Select(a => a.Title).ToArray(),
                agreements.Select(a => System.Text.Json.JsonSerializer.Serialize(a.Parties)).ToArray(),
                agreements.Select(a => a.Summary).ToArray(),
                agreements.Select(a => System.Text.Json.JsonSerializer.Serialize(a.Tags)).ToArray(),
                agreements.Select(a => a.OpenedJson).ToArray(), agreements.Select(a => a.OpenedAt).ToArray());

        if (!status.IsEmpty)
        {
            if (status.Deleted.Count > 0)
                ops.QueueSqlCommand($"""
                    delete from {Status} s using unnest(?::text[], ?::bigint[], ?::timestamptz[], ?::date[]) as k(a, o, kf, vf)
                    where s.agreement_id = k.a and s.ordinal = k.o and s.known_from = k.kf and s.valid_from = k.vf
                    """,
                    status.Deleted.Select(k => k.Item1).ToArray(), status.Deleted.Select(k => k.Item2).ToArray(),
                    status.Deleted.Select(k => k.Item3).ToArray(), status.Deleted.Select(k => k.Item4).ToArray());
            if (status.Closed.Count is > 0 and <= FewRows)
                // The usual write closes one row: by its key, a statement whose cached generic plan is the primary key's
                // index scan. The array form's plan depends on the array, so PostgreSQL planned it again at every write.
                foreach (var (k, kt) in status.Closed)
                    ops.QueueSqlCommand($"""
                        update {Status} set known_to = ?
                        where agreement_id = ? and ordinal = ? and known_from = ? and valid_from = ?
                        """, kt, k.Item1, k.Item2, k.Item3, k.Item4);
            else if (status.Closed.Count > 0)
                ops.QueueSqlCommand($"""
                    update {Status} s set known_to = k.kt
                    from unnest(?::text[], ?::bigint[], ?::timestamptz[], ?::date[], ?::timestamptz[]) as k(a, o, kf, vf, kt)
                    where s.agreement_id = k.a and s.ordinal = k.o and s.known_from = k.kf and s.valid_from = k.vf
                    """,
                    status.Closed.Keys.Select(k => k.Item1).ToArray(), status.Closed.Keys.Select(k => k.Item2).ToArray(),
                    status.Closed.Keys.Select(k => k.Item3).ToArray(), status.Closed.Keys.Select(k => k.Item4).ToArray(),
                    status.Closed.Values.ToArray());
            var rows = status.Opened;
            if (rows.Count > 0)
                ops.QueueSqlCommand($"""
                    insert into {Status} (agreement_id, ordinal, commitment_id, known_from, known_to, valid_from, valid_to,
                                          category, stage, contested, status)
                    select a, o, c, kf, kt, vf, vt, cat, st, con, js::jsonb
                    from unnest(?::text[], ?::bigint[], ?::text[], ?::timestamptz[], ?::timestamptz[], ?::date[], ?::date[],
                                ?::text[], ?::text[], ?::boolean[], ?::text[]) as r(a, o, c, kf, kt, vf, vt, cat, st, con, js)
                    """,
                    rows.Select(r => r.Row.AgreementId).ToArray(), rows.Select(r => r.Row.Ordinal).ToArray(),
                    rows.Select(r => r.Row.CommitmentId).ToArray(), rows.Select(r => r.Row.KnownFrom).ToArray(),
                    rows.Select(r => r.KnownTo ?? Open).ToArray(), rows.Select(r => r.Row.ValidFrom).ToArray(),
                    rows.Select(r => r.Row.ValidTo).ToArray(), rows.Select(r => r.Row.Category).ToArray(),
                    rows.Select(r => r.Row.Stage).ToArray(), rows.Select(r => r.Row.Contested).ToArray(),
                    rows.Select(r => r.Row.Json).ToArray());
        }

        if (!transitions.IsEmpty)
        {
            if (transitions.Deleted.Count > 0)
                ops.QueueSqlCommand($"""
                    delete from {Transitions} t using unnest(?::text[], ?::bigint[], ?::timestamptz[], ?::integer[]) as k(a, o, kf, q)
                    where t.agreement_id = k.a and t.ordinal = k.o and t.known_from = k.kf and t.seq = k.q
                    """,
                    transitions.Deleted.Select(k => k.Item1).ToArray(), transitions.Deleted.Select(k => k.Item2).ToArray(),
                    transitions.Deleted.Select(k => k.Item3).ToArray(), transitions.Deleted.Select(k => k.Item4).ToArray());
            if (transitions.Closed.Count > 0)
                ops.QueueSqlCommand($"""
                    update {Transitions} t set known_to = k.kt
                    from unnest(?::text[], ?::bigint[], ?::timestamptz[], ?::integer[], ?::timestamptz[]) as k(a, o, kf, q, kt)
                    where t.agreement_id = k.a and t.ordinal = k.o and t.known_from = k.kf and t.seq = k.q
                    """,
                    transitions.Closed.Keys.Select(k => k.Item1).ToArray(), transitions.Closed.Keys.Select(k => k.Item2).ToArray(),
                    transitions.Closed.Keys.Select(k => k.Item3).ToArray(), transitions.Closed.Keys.Select(k => k.Item4).ToArray(),
                    transitions.Closed.Values.ToArray());
            var rows = transitions.Opened;
            if (rows.Count > 0)
                ops.QueueSqlCommand($"""
                    insert into {Transitions} (agreement_id, ordinal, seq, known_from, known_to, said_key, said_end, change)
                    select a, o, q, kf, kt, sk, se, js::jsonb
                    from unnest(?::text[], ?::bigint[], ?::integer[], ?::timestamptz[], ?::timestamptz[], ?::integer[], ?::date[],
                                ?::text[]) as r(a, o, q, kf, kt, sk, se, js)
                    """,
                    rows.Select(r => r.Row.AgreementId).ToArray(), rows.Select(r => r.Row.Ordinal).ToArray(),
                    rows.Select(r => r.Row.Seq).ToArray(), rows.Select(r => r.Row.KnownFrom).ToArray(),
                    rows.Select(r => r.KnownTo ?? Open).ToArray(), rows.Select(r => r.Row.SaidKey).ToArray(),
                    rows.Select(r => r.Row.SaidEnd).ToArray(), rows.Select(r => r.Row.Json).ToArray());
        }

        if (!statements.IsEmpty)
        {
            if (statements.Deleted.Count > 0)
                ops.QueueSqlCommand($"""
                    delete from {Statements} t using unnest(?::text[], ?::uuid[], ?::timestamptz[]) as k(a, s, kf)
                    where t.agreement_id = k.a and t.statement_id = k.s and t.known_from = k.kf
                    """,
                    statements.Deleted.Select(k => k.Item1).ToArray(), statements.Deleted.Select(k => k.Item2).ToArray(),
                    statements.Deleted.Select(k => k.Item3).ToArray());
            if (statements.Closed.Count > 0)
                ops.QueueSqlCommand($"""
                    update {Statements} t set known_to = k.kt
                    from unnest(?::text[], ?::uuid[], ?::timestamptz[], ?::timestamptz[]) as k(a, s, kf, kt)
                    where t.agreement_id = k.a and t.statement_id = k.s and t.known_from = k.kf
                    """,
                    statements.Closed.Keys.Select(k => k.Item1).ToArray(), statements.Closed.Keys.Select(k => k.Item2).ToArray(),
                    statements.Closed.Keys.Select(k => k.Item3).ToArray(), statements.Closed.Values.ToArray());
            var rows = statements.Opened;
            if (rows.Count > 0)
                ops.QueueSqlCommand($"""
                    insert into {Statements} (agreement_id, statement_id, known_from, known_to, said_key, said_end, retracted)
                    select * from unnest(?::text[], ?::uuid[], ?::timestamptz[], ?::timestamptz[], ?::integer[], ?::date[], ?::boolean[])
                    """,
                    rows.Select(r => r.Row.AgreementId).ToArray(), rows.Select(r => r.Row.StatementId).ToArray(),
                    rows.Select(r => r.Row.KnownFrom).ToArray(), rows.Select(r => r.KnownTo ?? Open).ToArray(),
                    rows.Select(r => r.Row.SaidKey).ToArray(), rows.Select(r => r.Row.SaidEnd).ToArray(),
                    rows.Select(r => r.Row.Retracted).ToArray());
        }
    }
}
