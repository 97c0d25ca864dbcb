using Microsoft.Extensions.Caching.Memory;
using Tracker.Agreements;

namespace Tracker.Portfolio;

/// <summary>
/// The statements of recently written commitments, as last committed, so that recording one more statement does not
/// read back every earlier one. An entry is used only when its stamp equals the stamp in the stored
/// <see cref="CommitmentFile"/>: a new stamp is drawn whenever a file's statements change, so an entry made by a
/// transaction that rolled back, or outdated by another instance's write, never matches and is read again.
/// </summary>
internal sealed class FactsCache
{
    /// <summary>Statements held in all, across commitments (a few hundred bytes each).</summary>
    public const int Capacity = 200_000;

    private readonly MemoryCache cache = new(new MemoryCacheOptions { SizeLimit = Capacity });

    public StatementFacts[]? Find(CommitmentFile file) =>
        file.FactsStamp != Guid.Empty && cache.TryGetValue(file.Id, out Entry? entry) && entry!.Stamp == file.FactsStamp
            ? entry.Facts
            : null;

    /// <summary>Draws the file a new stamp for its changed statements and keeps them under it.</summary>
    public void Keep(CommitmentFile file)
    {
        file.FactsStamp = Guid.NewGuid();
        var facts = file.Statements.ToArray();
        if (facts.Length < Capacity / 10)
            cache.Set(file.Id, new Entry(file.FactsStamp, facts), new MemoryCacheEntryOptions { Size = Math.Max(1, facts.Length) });
        else
            cache.Remove(file.Id);
    }

    /// <summary>The file's statements changed without being read: a new stamp, and no copy kept.</summary>
    public void Forget(CommitmentFile file)
    {
        file.FactsStamp = Guid.NewGuid();
        cache.Remove(file.Id);
    }

    private sealed record Entry(Guid Stamp, StatementFacts[] Facts);
}
