using Marten.Services.BatchQuerying;
using Tracker.Agreements.Deciding;

namespace Tracker.Agreements.Storage;

/// <summary>
/// What an inline projection will read for a command, queued on the writer's first batch (the agreement's header and
/// statement, once its turn is taken) instead of costing a round trip of its own when the append is saved (issue 20).
/// A projection that reads documents keyed by what a command names registers one (<see cref="AgreementWriter"/> asks
/// every registered one); writers without it (the importer) leave the projection to read as before.
/// </summary>
public interface IReadAhead
{
    /// <summary>Queues, on <paramref name="batch"/>, what appending <paramref name="command"/>'s events will read.</summary>
    void Queue(IAgreementCommand command, ReadAhead ahead, IBatchedQuery batch);
}

/// <summary>
/// The documents read ahead for one write, found by the projections the write's save runs (in its own asynchronous
/// flow: the daemon's and the importer's sessions never see it). Read after the
/// agreement's turn is taken and in the write's own transaction, so they are what the projection would read itself:
/// nobody else writes this agreement's documents until the commit (a writer that bypasses the turn also moves the
/// stream's version, and this write's append then fails and is decided again, with a fresh read-ahead).
/// </summary>
public sealed class ReadAhead
{
    private static readonly AsyncLocal<ReadAhead?> Current = new();

    private readonly List<Func<Task>> pending = [];
    /// <summary>Per document type, every key asked for: the document, or null when there is none.</summary>
    private readonly Dictionary<Type, Dictionary<string, object?>> read = [];

    /// <summary>Queues the documents of <typeparamref name="T"/> with these keys.</summary>
    public void Load<T>(IBatchedQuery batch, IReadOnlyCollection<string> keys, Func<T, string> keyOf) where T : class
    {
        if (keys.Count == 0) return;
        // One key (a statement about one commitment) by equality: PostgreSQL planned the "= any" form again at every
        // write (issue 20), the equality once per connection.
        var loading = keys.Count == 1
            ? One(batch.Load<T>(keys.First()))
            : batch.LoadMany<T>().ById([.. keys]);
        pending.Add(async () =>
        {
            var found = read.TryGetValue(typeof(T), out var known) ? known : read[typeof(T)] = new(StringComparer.Ordinal);
            foreach (var key in keys) found.TryAdd(key, null);
            foreach (var document in await loading) found[keyOf(document)] = document;
        });
    }

    private static async Task<IReadOnlyList<T>> One<T>(Task<T?> loading) where T : class =>
        await loading is { } found ? [found] : [];

    /// <summary>What the writer has read itself for its decision (null: there is none), for the projections too.</summary>
    public void Know<T>(string key, T? document) where T : class =>
        (read.TryGetValue(typeof(T), out var known) ? known : read[typeof(T)] = new(StringComparer.Ordinal))[key] = document;

    /// <summary>
    /// What was read ahead of <typeparamref name="T"/> for this key: true with the document (null: there is none), or
    /// false when it was not read ahead. A document is handed out once: the projection that takes it changes it.
    /// </summary>
    public bool TryTake<T>(string key, out T? document) where T : class
    {
        document = null;
        if (!read.TryGetValue(typeof(T), out var known) || !known.Remove(key, out var found)) return false;
        document = (T?)found;
        return true;
    }

    /// <summary>The read-ahead of the write whose save is running the calling projection, if any.</summary>
    public static ReadAhead? Offered => Current.Value;

    /// <summary>Queues every registered read for the command.</summary>
    internal static ReadAhead Queue(IReadOnlyList<IReadAhead> readers, IAgreementCommand command, IBatchedQuery batch)
    {
        var ahead = new ReadAhead();
        foreach (var reader in readers) reader.Queue(command, ahead, batch);
        return ahead;
    }

    /// <summary>Once the batch has run: the results are gathered, to be given to the projections of the save that
    /// follows in the caller's flow (<see cref="Offer"/>).</summary>
    internal async Task GatherAsync()
    {
        foreach (var step in pending) await step();
        pending.Clear();
    }

    /// <summary>Offered to the projections of whatever the caller saves next, until the scope ends.</summary>
    internal IDisposable Offer()
    {
        Current.Value = this;
        return new Withdrawing();
    }

    private sealed class Withdrawing : IDisposable
    {
        public void Dispose() => Current.Value = null;
    }
}
