namespace Tracker.Portfolio;

/// <summary>
/// The rows one page of events opens and closes in a bitemporal table, folded before anything is written: a row
/// opened and closed within the page is written closed (or not at all, when nothing was known in between), and a
/// stored row closed at the instant it was opened is deleted rather than left as an empty range.
/// </summary>
internal sealed class RowChanges<TKey, TRow> where TKey : notnull
{
    private readonly Dictionary<TKey, (TRow Row, DateTimeOffset? KnownTo)> opened = new();
    private readonly Dictionary<TKey, DateTimeOffset> closed = new();
    private readonly HashSet<TKey> deleted = new();

    public void Open(TKey key, TRow row) => opened[key] = (row, null);

    public void Close(TKey key, DateTimeOffset knownFrom, DateTimeOffset at)
    {
        if (opened.TryGetValue(key, out var pending))
        {
            if (at <= knownFrom) opened.Remove(key);
            else opened[key] = (pending.Row, at);
        }
        else if (at <= knownFrom) deleted.Add(key);
        else closed[key] = at;
    }

    public IReadOnlyCollection<(TRow Row, DateTimeOffset? KnownTo)> Opened => opened.Values;
    public IReadOnlyDictionary<TKey, DateTimeOffset> Closed => closed;
    public IReadOnlyCollection<TKey> Deleted => deleted;
    public bool IsEmpty => opened.Count == 0 && closed.Count == 0 && deleted.Count == 0;
}
