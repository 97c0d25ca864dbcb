using System.Text.Json;
using Marten;
using Tracker.Infrastructure;

namespace Tracker.Portfolio;

/// <summary>
/// The change log (<c>migrations/0010_status-changes.sql</c>): statement lifecycle entries and status-change facts,
/// queued by <see cref="PortfolioProjection"/> into the appending transaction.
/// </summary>
public static class ChangeLog
{
    public const string Table = TrackerHost.MartenSchema + ".change_log";

    public static class Kinds
    {
        public const string Recorded = "statement-recorded";
        public const string Corrected = "statement-corrected";
        public const string Retracted = "statement-retracted";
        public const string StatusChanged = "status-changed";
    }

    /// <param name="Slot">0 for a statement's own entry; the commitment's ordinal for a status change (one per
    /// commitment and write, so a key of its own).</param>
    public sealed record Row(long Sequence, long Slot, string Kind, string AgreementId, string? CommitmentId,
        string[] Categories, Guid? StatementId, string? Reason, DateTimeOffset RecordedAt, string? RecordedBy,
        StatusNow? Before, StatusNow? After);

    /// <summary>
    /// One INSERT for a page of rows. Only events not chained yet are logged: the chain row of an event is written when
    /// its transaction commits (a deferred trigger), so it is absent while the write that appends it runs, and present
    /// whenever the same events are applied again (a rebuild, the start-up backfill): a replay, whose "today" and
    /// "before" are not the write's, logs nothing and cannot duplicate. The key guards the same a second time.
    /// </summary>
    internal static void Queue(IDocumentOperations ops, IReadOnlyCollection<Row> rows)
    {
        if (rows.Count == 0) return;
        if (rows.Count <= PortfolioRows.FewRows)
        {
            // A write's one or two rows, one statement each (one-element arrays carry their types and nulls): planned
            // once per connection, where the unnested form's anti-join over event_chain was planned again at every
            // write (issue 20).
            foreach (var r in rows)
                ops.QueueSqlCommand($"""
                    insert into {Table} (seq_id, slot, kind, agreement_id, commitment_id, categories, statement_id, reason,
                                         recorded_at, recorded_by, before, after)
                    select r.q[1], r.sl[1], r.k[1], r.a[1], r.c[1], array(select jsonb_array_elements_text(r.cs[1]::jsonb)), r.s[1],
                           r.re[1], r.at[1], r.by[1], r.b[1]::jsonb, r.af[1]::jsonb
                    from (select ?::bigint[], ?::bigint[], ?::text[], ?::text[], ?::text[], ?::text[], ?::uuid[], ?::text[],
                                 ?::timestamptz[], ?::text[], ?::text[], ?::text[]) as r(q, sl, k, a, c, cs, s, re, at, by, b, af)
                    where not exists (select 1 from {TrackerHost.MartenSchema}.event_chain e where e.seq_id = r.q[1])
                    on conflict (seq_id, slot) do nothing
                    """,
                    new[] { r.Sequence }, new[] { r.Slot }, new[] { r.Kind }, new[] { r.AgreementId }, new[] { r.CommitmentId },
                    new[] { JsonSerializer.Serialize(r.Categories) }, new[] { r.StatementId }, new[] { r.Reason },
                    new[] { r.RecordedAt }, new[] { r.RecordedBy }, new[] { Json(r.Before) }, new[] { Json(r.After) });
            return;
        }
        ops.QueueSqlCommand($"""
            insert into {Table} (seq_id, slot, kind, agreement_id, commitment_id, categories, statement_id, reason,
                                 recorded_at, recorded_by, before, after)
            select r.q, r.sl, r.k, r.a, r.c, array(select jsonb_array_elements_text(r.cs::jsonb)), r.s, r.re, r.at, r.by,
                   r.b::jsonb, r.af::jsonb
            from unnest(?::bigint[], ?::bigint[], ?::text[], ?::text[], ?::text[], ?::text[], ?::uuid[], ?::text[],
                        ?::timestamptz[], ?::text[], ?::text[], ?::text[]) as r(q, sl, k, a, c, cs, s, re, at, by, b, af)
            where not exists (select 1 from {TrackerHost.MartenSchema}.event_chain e where e.seq_id = r.q)
            on conflict (seq_id, slot) do nothing
            """,
            rows.Select(r => r.Sequence).ToArray(), rows.Select(r => r.Slot).ToArray(), rows.Select(r => r.Kind).ToArray(),
            rows.Select(r => r.AgreementId).ToArray(), rows.Select(r => r.CommitmentId).ToArray(),
            rows.Select(r => JsonSerializer.Serialize(r.Categories)).ToArray(), rows.Select(r => r.StatementId).ToArray(),
            rows.Select(r => r.Reason).ToArray(), rows.Select(r => r.RecordedAt).ToArray(), rows.Select(r => r.RecordedBy).ToArray(),
            rows.Select(r => Json(r.Before)).ToArray(), rows.Select(r => Json(r.After)).ToArray());
    }

    private static string? Json(StatusNow? status) =>
        status is null ? null : JsonSerializer.Serialize(status, PortfolioJson.Options);
}
