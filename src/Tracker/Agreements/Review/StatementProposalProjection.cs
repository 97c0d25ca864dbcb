using JasperFx.Events;
using Marten;
using Marten.Events.Projections;

namespace Tracker.Agreements;

/// <summary>
/// Keeps <see cref="StatementProposal"/> documents inline with each append. Reads only when a page holds review events
/// (the proposals they touch, and for a proposed correction or retraction the statement it changes, for the commitments
/// it speaks of), so an agreement without review costs nothing here.
/// </summary>
public sealed class StatementProposalProjection : IProjection
{
    public const string ProjectionName = "StatementProposal";

    public async Task ApplyAsync(IDocumentOperations operations, IReadOnlyList<IEvent> events, CancellationToken ct)
    {
        var keys = new HashSet<string>(StringComparer.Ordinal);
        var entryKeys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var e in events)
            switch (e.Data)
            {
                case StatementProposed p: keys.Add(StatementEntry.KeyOf(p.AgreementId, p.StatementId)); break;
                case CorrectionProposed c:
                    keys.Add(StatementEntry.KeyOf(c.AgreementId, c.StatementId));
                    entryKeys.Add(StatementEntry.KeyOf(c.AgreementId, c.StatementId));
                    break;
                case RetractionProposed r:
                    keys.Add(StatementEntry.KeyOf(r.AgreementId, r.StatementId));
                    entryKeys.Add(StatementEntry.KeyOf(r.AgreementId, r.StatementId));
                    break;
                case StatementReviewed d: keys.Add(StatementEntry.KeyOf(d.AgreementId, d.StatementId)); break;
            }
        if (keys.Count == 0) return;

        var proposals = (await operations.LoadManyAsync<StatementProposal>(ct, keys)).ToDictionary(p => p.Key, StringComparer.Ordinal);
        var entries = entryKeys.Count == 0
            ? new Dictionary<string, StatementEntry>(StringComparer.Ordinal)
            : (await operations.LoadManyAsync<StatementEntry>(ct, entryKeys)).ToDictionary(s => s.Key, StringComparer.Ordinal);
        var changed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var e in events)
        {
            if (Evolve(proposals, e, key => entries.GetValueOrDefault(key)?.Current) is { } key) changed.Add(key);
            // A correction approved in this page changes the reading the next proposal of the same statement starts from.
            if (e is IEvent<StatementCorrected> corrected && entries.GetValueOrDefault(StatementEntry.KeyOf(corrected.Data.AgreementId,
                    corrected.Data.StatementId)) is { } entry)
                entry.Correct(corrected);
        }
        foreach (var key in changed) operations.Store(proposals[key]);
    }

    /// <summary>Applies one event to the proposals it touches; the key of the proposal changed, if any. Shared with the
    /// in-memory fold (<see cref="Agreement.Evolve"/>), so both keep proposals alike.</summary>
    public static string? Evolve(IDictionary<string, StatementProposal> proposals, IEvent e, Func<string, StatementContent?> reading)
    {
        StatementProposal? next = e switch
        {
            IEvent<StatementProposed> p => StatementProposal.From(p),
            IEvent<CorrectionProposed> c => StatementProposal.From(c, reading(StatementEntry.KeyOf(c.Data.AgreementId, c.Data.StatementId))),
            IEvent<RetractionProposed> r => StatementProposal.From(r, reading(StatementEntry.KeyOf(r.Data.AgreementId, r.Data.StatementId))),
            _ => null,
        };
        if (next is not null)
        {
            // The statement's earlier approvals stay with its latest proposal: who proposed what the history shows.
            if (proposals.TryGetValue(next.Key, out var earlier)) next.Approved = earlier.Approved;
            proposals[next.Key] = next;
            return next.Key;
        }
        if (e is IEvent<StatementReviewed> d &&
            proposals.TryGetValue(StatementEntry.KeyOf(d.Data.AgreementId, d.Data.StatementId), out var decided))
        {
            decided.Decide(d);
            return decided.Key;
        }
        return null;
    }
}
