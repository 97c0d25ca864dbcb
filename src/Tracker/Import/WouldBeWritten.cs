using Tracker.Agreements;

namespace Tracker.Import;

/// <summary>
/// What a dry run would have written so far: the header and the touched statements of each agreement its lines
/// changed, as the store would hold them after those lines. A dry run appends nothing, so the store cannot tell its
/// later batches what earlier ones did (an agreement opened, a statement recorded that a later line corrects); they
/// read it here instead. It grows with the agreements and statements the file writes, not with one batch.
/// </summary>
internal sealed class WouldBeWritten
{
    private readonly Dictionary<string, AgreementHeader> _headers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, StatementEntry> _statements = new(StringComparer.Ordinal);

    /// <summary>The stored headers of these agreements, each replaced by what earlier lines would have made of it.</summary>
    public List<AgreementHeader> Headers(IEnumerable<string> agreementIds, IReadOnlyList<AgreementHeader> stored) =>
        Over(agreementIds, stored, h => h.Id, _headers);

    /// <summary>The stored statements with these keys, each replaced by what earlier lines would have made of it.</summary>
    public List<StatementEntry> Statements(IEnumerable<string> keys, IReadOnlyList<StatementEntry> stored) =>
        Over(keys, stored, s => s.Key, _statements);

    public void Keep(Agreement agreement)
    {
        _headers[agreement.Id] = agreement.Header;
        foreach (var statement in agreement.Statements) _statements[statement.Key] = statement;
    }

    private static List<T> Over<T>(IEnumerable<string> keys, IReadOnlyList<T> stored, Func<T, string> keyOf, Dictionary<string, T> written)
        where T : class
    {
        var found = stored.ToDictionary(keyOf, StringComparer.Ordinal);
        return keys.Select(k => written.GetValueOrDefault(k) ?? found.GetValueOrDefault(k)).OfType<T>().ToList();
    }
}
