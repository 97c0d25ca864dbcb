using Npgsql;
using Tracker.Portfolio;

namespace Tracker.Agreements;

/// <summary>How many proposals await review on the statements about one commitment (the status report's count).</summary>
public sealed record AwaitingReviewCount(string AgreementId, string CommitmentId, int Count)
{
    private const string Proposals = Infrastructure.TrackerHost.MartenSchema + ".mt_doc_statementproposal";

    /// <summary>A status row (aliased s) whose commitment has a proposal awaiting review: the queue is small, so it is read
    /// first (by its state index) and the status rows matched to it.</summary>
    public const string Commitments =
        $"(s.agreement_id, s.commitment_id) in (select p.data ->> 'agreementId', c.id from {Proposals} p " +
        "cross join lateral jsonb_array_elements_text(p.data -> 'commitmentIds') c(id) where p.data ->> 'state' = 'awaiting')";

    /// <summary>The counts for a page's rows, in their order; null when none awaits review.</summary>
    public static async Task<IReadOnlyList<AwaitingReviewCount>?> OfAsync(NpgsqlConnection conn, IReadOnlyList<StatusReportRow> rows,
        CancellationToken ct)
    {
        if (rows.Count == 0) return null;
        await using var cmd = new NpgsqlCommand($"""
            select p.data ->> 'agreementId', c.id, count(*)::int from {Proposals} p
            cross join lateral jsonb_array_elements_text(p.data -> 'commitmentIds') c(id)
            where p.data ->> 'state' = 'awaiting' and p.data ->> 'agreementId' = any(@agreements)
            group by 1, 2
            """, conn);
        cmd.Parameters.AddWithValue("agreements", rows.Select(r => r.AgreementId).Distinct(StringComparer.Ordinal).ToArray());
        var counts = new Dictionary<(string, string), int>();
        await using (var reader = await cmd.ExecuteReaderAsync(ct))
            while (await reader.ReadAsync(ct)) counts[(reader.GetString(0), reader.GetString(1))] = reader.GetInt32(2);
        var found = rows.Select(r => (r.AgreementId, r.Status.CommitmentId))
            .Where(counts.ContainsKey)
            .Select(k => new AwaitingReviewCount(k.AgreementId, k.CommitmentId, counts[k]))
            .ToList();
        return found.Count == 0 ? null : found;
    }
}
