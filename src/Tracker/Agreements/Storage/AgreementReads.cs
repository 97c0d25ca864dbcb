using Marten;

namespace Tracker.Agreements.Storage;

/// <summary>
/// Loads agreements as the tracker knew them: now (the stored header and statements, kept inline with every
/// append) or at a past record-time instant (<c>knownAt</c>: a fold of the events recorded up to then, so later
/// corrections are not applied).
/// </summary>
public static class AgreementReads
{
    public static async Task<Agreement?> LoadAsync(this IQuerySession session, string agreementId, DateTimeOffset? knownAt,
        CancellationToken ct = default)
    {
        if (knownAt is not null)
            return Agreement.Fold(await session.Events.FetchStreamAsync(agreementId, timestamp: knownAt, token: ct));

        for (var attempt = 1; ; attempt++)
        {
            var batch = session.CreateBatchQuery();
            var header = batch.Load<AgreementHeader>(agreementId);
            var statements = batch.Query<StatementEntry>().Where(s => s.AgreementId == agreementId).ToList();
            await batch.Execute(ct);
            if (await header is not { } h) return null;
            var agreement = Agreement.Assemble(h, await statements);
            if (IsOneMoment(agreement) || attempt == 3) return agreement;
        }
    }

    /// <summary>
    /// The header and the statements are read by two queries, each seeing the store as it is when it runs; a write
    /// committed in between shows as a statement newer than its header. Such a mixture is read again, not answered.
    /// </summary>
    private static bool IsOneMoment(Agreement agreement) =>
        agreement.Statements.All(s => Math.Max(s.Recorded.Version,
            Math.Max(s.Corrections.LastOrDefault()?.Recorded.Version ?? 0, s.Retraction?.Recorded.Version ?? 0)) <= agreement.Version);

    public static async Task<IReadOnlyList<Agreement>> LoadAllAsync(this IQuerySession session, DateTimeOffset? knownAt,
        CancellationToken ct = default)
    {
        for (var attempt = 1; knownAt is null; attempt++)
        {
            var headers = await session.Query<AgreementHeader>().ToListAsync(ct);
            var statements = (await session.Query<StatementEntry>().ToListAsync(ct)).ToLookup(s => s.AgreementId);
            var agreements = headers.OrderBy(h => h.Id, StringComparer.Ordinal)
                .Select(h => Agreement.Assemble(h, statements[h.Id]))
                .ToList();
            if (agreements.All(IsOneMoment) || attempt == 3) return agreements;
        }

        var events = await session.Events.QueryAllRawEvents()
            .Where(e => e.Timestamp <= knownAt.Value && e.StreamKey != Tombstones.StreamKey)
            .OrderBy(e => e.Sequence)
            .ToListAsync(ct);
        return events.GroupBy(e => e.StreamKey!)
            .Select(g => Agreement.Fold(g))
            .OfType<Agreement>()
            .OrderBy(a => a.Id, StringComparer.Ordinal)
            .ToList();
    }
}
