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

        var batch = session.CreateBatchQuery();
        var header = batch.Load<AgreementHeader>(agreementId);
        var statements = batch.Query<StatementEntry>().Where(s => s.AgreementId == agreementId).ToList();
        await batch.Execute(ct);
        return await header is { } h ? Agreement.Assemble(h, await statements) : null;
    }

    public static async Task<IReadOnlyList<Agreement>> LoadAllAsync(this IQuerySession session, DateTimeOffset? knownAt,
        CancellationToken ct = default)
    {
        if (knownAt is null)
        {
            var headers = await session.Query<AgreementHeader>().ToListAsync(ct);
            var statements = (await session.Query<StatementEntry>().ToListAsync(ct)).ToLookup(s => s.AgreementId);
            return headers.OrderBy(h => h.Id, StringComparer.Ordinal)
                .Select(h => Agreement.Assemble(h, statements[h.Id]))
                .ToList();
        }

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

    /// <summary>
    /// What a decider needs to judge one command: the header, and the one statement the command names (if any).
    /// Loading only these keeps a write's cost flat however many statements the agreement has.
    /// </summary>
    public static async Task<Agreement?> ForDecidingAsync(this IQuerySession session, AgreementHeader? header, Guid? statementId,
        CancellationToken ct = default)
    {
        if (header is null) return null;
        var statement = statementId is { } id ? await session.LoadAsync<StatementEntry>(StatementEntry.KeyOf(header.Id, id), ct) : null;
        return Agreement.Assemble(header, statement is null ? [] : [statement]);
    }
}
