using Marten;

namespace Tracker.Agreements.Storage;

/// <summary>
/// Loads one agreement as the tracker knew it: now (the stored header and statements, kept inline with every
/// append) or at a past record-time instant (<c>knownAt</c>: a fold of its events recorded up to then, so later
/// corrections are not applied). Reads across agreements are the portfolio's (see Portfolio.PortfolioReads).
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
            var proposals = batch.Query<StatementProposal>().Where(p => p.AgreementId == agreementId).ToList();
            await batch.Execute(ct);
            if (await header is not { } h) return null;
            var agreement = Agreement.Assemble(h, await statements, await proposals);
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
}
