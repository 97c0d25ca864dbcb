using Marten;

namespace Tracker.Agreements.Storage;

/// <summary>
/// Loads agreements as the tracker knew them: now (the inline copy) or at a past record-time instant
/// (<c>knownAt</c>: a fold of the events recorded up to then, so later corrections are not applied).
/// </summary>
public static class AgreementReads
{
    public static async Task<Agreement?> LoadAsync(this IQuerySession session, string agreementId, DateTimeOffset? knownAt,
        CancellationToken ct = default)
    {
        if (knownAt is null) return await session.LoadAsync<Agreement>(agreementId, ct);
        var events = await session.Events.FetchStreamAsync(agreementId, timestamp: knownAt, token: ct);
        return Agreement.Fold(events);
    }

    public static async Task<IReadOnlyList<Agreement>> LoadAllAsync(this IQuerySession session, DateTimeOffset? knownAt,
        CancellationToken ct = default)
    {
        if (knownAt is null)
            return (await session.Query<Agreement>().OrderBy(a => a.Id).ToListAsync(ct)).ToList();

        var events = await session.Events.QueryAllRawEvents()
            .Where(e => e.Timestamp <= knownAt.Value)
            .OrderBy(e => e.Sequence)
            .ToListAsync(ct);
        return events.GroupBy(e => e.StreamKey!)
            .Select(g => Agreement.Fold(g))
            .OfType<Agreement>()
            .OrderBy(a => a.Id, StringComparer.Ordinal)
            .ToList();
    }
}
