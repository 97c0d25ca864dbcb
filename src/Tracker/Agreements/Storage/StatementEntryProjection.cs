using JasperFx.Events;
using Marten;
using Marten.Events.Projections;

namespace Tracker.Agreements.Storage;

/// <summary>
/// One document per statement, kept inline with each append (an analyst who records a statement sees it in the
/// next read) and rewritten only when that statement changes, never when its agreement grows. A statement recorded
/// creates its entry (once: a repeat of an entry that exists changes nothing); a correction or retraction changes an
/// existing entry. The entries a write's events touch are those the writer has already read for its decision
/// (<see cref="ReadAhead"/>), so the usual write reads nothing here; other writers' pages read what they touch at once.
/// </summary>
public sealed class StatementEntryProjection : IProjection
{
    public const string ProjectionName = "StatementEntry";

    public async Task ApplyAsync(IDocumentOperations operations, IReadOnlyList<IEvent> events, CancellationToken ct)
    {
        var entries = new Dictionary<string, StatementEntry?>(StringComparer.Ordinal);
        var unread = new HashSet<string>(StringComparer.Ordinal);
        var ahead = ReadAhead.Offered;
        foreach (var e in events)
            if (KeyOf(e.Data) is { } key && !entries.ContainsKey(key) && !unread.Contains(key))
            {
                if (ahead is not null && ahead.TryTake<StatementEntry>(key, out var known)) entries[key] = known;
                else unread.Add(key);
            }
        if (unread.Count > 0)
        {
            foreach (var key in unread) entries[key] = null;
            foreach (var entry in await operations.LoadManyAsync<StatementEntry>(ct, unread)) entries[entry.Key] = entry;
        }

        var changed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var e in events)
            switch (e)
            {
                case IEvent<StatementRecorded> r when entries[KeyOf(r.Data)!] is null:
                    var created = StatementEntry.From(r);
                    entries[created.Key] = created;
                    changed.Add(created.Key);
                    break;
                case IEvent<StatementCorrected> c when entries[KeyOf(c.Data)!] is { } entry:
                    entry.Correct(c);
                    changed.Add(entry.Key);
                    break;
                case IEvent<StatementRetracted> r when entries[KeyOf(r.Data)!] is { } entry:
                    entry.Retract(r);
                    changed.Add(entry.Key);
                    break;
            }
        foreach (var key in changed) operations.Store(entries[key]!);
    }

    private static string? KeyOf(object data) => data switch
    {
        StatementRecorded r => StatementEntry.KeyOf(r.AgreementId, r.StatementId),
        StatementCorrected c => StatementEntry.KeyOf(c.AgreementId, c.StatementId),
        StatementRetracted r => StatementEntry.KeyOf(r.AgreementId, r.StatementId),
        _ => null,
    };
}
