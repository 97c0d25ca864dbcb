using Npgsql;
using Tracker.Infrastructure;

namespace Tracker.Agreements;

/// <summary>
/// The agreement documents a statement's source may cite (attached by Sources, <c>agreement_documents</c>): which of
/// those a write cites are attached to its agreement, read before deciding (<see cref="Registry.ActorDirectory.HasDocument"/>),
/// and how a reader finds one.
/// </summary>
public static class CitedDocuments
{
    public const string Table = TrackerHost.MartenSchema + ".agreement_documents";

    /// <summary>Which of the cited documents are attached to the agreement that cites them, as "agreementId/documentId":
    /// one indexed lookup, none when nothing is cited.</summary>
    public static async Task<IReadOnlySet<string>> AttachedAsync(NpgsqlConnection conn, NpgsqlTransaction? tx,
        IEnumerable<(string AgreementId, Guid DocumentId)> cited, CancellationToken ct)
    {
        var pairs = cited.Distinct().ToArray();
        var attached = new HashSet<string>(StringComparer.Ordinal);
        if (pairs.Length == 0) return attached;
        await using var cmd = new NpgsqlCommand($"""
            select d.agreement_id, d.document_id from {Table} d
            join unnest(@a::varchar[], @d::uuid[]) c(agreement_id, document_id)
              on d.agreement_id = c.agreement_id and d.document_id = c.document_id
            """, conn, tx);
        cmd.Parameters.AddWithValue("a", pairs.Select(p => p.AgreementId).ToArray());
        cmd.Parameters.AddWithValue("d", pairs.Select(p => p.DocumentId).ToArray());
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) attached.Add($"{r.GetString(0)}/{r.GetGuid(1)}");
        return attached;
    }

    /// <summary>The registry a write decides with, and the documents its commands cite that are attached to their agreement.</summary>
    public static async Task<Registry.ActorDirectory> WithCitedAsync(Registry.ActorDirectory actors, NpgsqlConnection conn,
        NpgsqlTransaction? tx, IEnumerable<Deciding.IAgreementCommand> commands, CancellationToken ct)
    {
        var cited = commands.SelectMany(c => c.DocumentIds.Select(d => (c.AgreementId, d))).ToList();
        return cited.Count == 0 ? actors : actors.WithDocuments(await AttachedAsync(conn, tx, cited, ct));
    }

    /// <summary>A document as a reader follows a citation to it: its file name and the link to its text.</summary>
    public sealed record Named(Guid DocumentId, string FileName, string? Title, string Sha256)
    {
        public string Link => $"/api/captures/{Sha256}/text";
    }

    /// <summary>The agreement's documents by id: those <paramref name="cited"/> (what a history or page shows beside its
    /// statements), or every one when null (what the statement form offers to cite).</summary>
    public static async Task<IReadOnlyDictionary<Guid, Named>> OfAgreementAsync(NpgsqlDataSource dataSource, string agreementId,
        IEnumerable<Guid>? cited, CancellationToken ct)
    {
        var ids = cited?.Distinct().ToArray();
        if (ids is { Length: 0 }) return new Dictionary<Guid, Named>();
        await using var cmd = dataSource.CreateCommand(
            $"select document_id, file_name, title, encode(sha256, 'hex') from {Table} where agreement_id = @a and (@d::uuid[] is null or document_id = any(@d))");
        cmd.Parameters.AddWithValue("a", agreementId);
        cmd.Parameters.Add(new NpgsqlParameter("d", NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Uuid) { Value = (object?)ids ?? DBNull.Value });
        var named = new Dictionary<Guid, Named>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            named[r.GetGuid(0)] = new Named(r.GetGuid(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2), r.GetString(3));
        return named;
    }
}
