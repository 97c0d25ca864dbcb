using Npgsql;

namespace Tracker.Infrastructure.Database;

/// <summary>
/// Follows the hash chain in commit order from a cursor row (<c>id = 1</c>, <c>position</c>) and, for each range of
/// positions, writes what the follower derives from it and moves the cursor past it in one transaction: a crash before
/// the commit writes neither (the range is done again), after it both. The cursor row is locked for the transaction
/// (<c>FOR UPDATE SKIP LOCKED</c>): of several instances on one database, one follows at a time, the others skip.
/// Used by the webhook dispatcher and the capture dispatcher.
/// </summary>
public static class ChainFollower
{
    private const string Chain = TrackerHost.MartenSchema + ".event_chain";

    /// <summary>Writes the rows of positions (from, to] in the given transaction; answers how many it wrote.</summary>
    public delegate Task<int> WriteRange(NpgsqlConnection conn, NpgsqlTransaction tx, long from, long to, CancellationToken ct);

    /// <summary>One step: the next range of at most <paramref name="window"/> committed positions written, the cursor moved
    /// past it. Answers how many rows were written and whether more positions wait.</summary>
    public static async Task<(int Written, bool More)> StepAsync(NpgsqlDataSource dataSource, string cursor, long window,
        WriteRange write, CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        // Idle, the common case, costs one read and no lock: nothing is committed past the cursor.
        await using (var idle = new NpgsqlCommand(
            $"select coalesce((select max(position) from {Chain}), 0) <= (select position from {cursor})", conn))
            if (await idle.ExecuteScalarAsync(ct) is true) return (0, false);

        await using var tx = await conn.BeginTransactionAsync(ct);
        long from;
        await using (var locked = new NpgsqlCommand($"select position from {cursor} where id = 1 for update skip locked", conn, tx))
            if (await locked.ExecuteScalarAsync(ct) is long position) from = position;
            else return (0, false); // another instance is following
        long head;
        // A statement of its own: its snapshot sees every position up to the head it reads (positions are assigned in
        // commit order, see Feed), and so does the write's, which is taken later.
        await using (var max = new NpgsqlCommand($"select coalesce(max(position), 0) from {Chain}", conn, tx))
            head = (long)(await max.ExecuteScalarAsync(ct))!;
        var to = Math.Min(head, from + window);
        if (to <= from)
        {
            await tx.CommitAsync(ct);
            return (0, false);
        }
        var written = await write(conn, tx, from, to, ct);
        await using (var move = new NpgsqlCommand($"update {cursor} set position = @to where id = 1", conn, tx))
        {
            move.Parameters.AddWithValue("to", to);
            await move.ExecuteNonQueryAsync(ct);
        }
        await tx.CommitAsync(ct);
        return (written, to < head);
    }

    /// <summary>Steps until stopped: at once again while more waits, after <paramref name="poll"/> when idle, after a
    /// second when the database is away (the cursor has not moved then); <paramref name="wrote"/> when rows were written.
    /// Each step is a unit of the background budget: while requests are served, it waits its turn.</summary>
    public static async Task RunAsync(Background.BackgroundBudget budget, Func<CancellationToken, Task<(int Written, bool More)>> step,
        Func<TimeSpan> poll, Action wrote, ILogger logger, string what, CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            var wait = poll();
            try
            {
                int written;
                bool more;
                using (await budget.EnterAsync(stopping)) (written, more) = await step(stopping);
                if (written > 0) wrote();
                if (more) continue;
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested) { return; }
            catch (Exception e)
            {
                logger.LogWarning(e, "{What} failed, retrying: {Message}", what, e.Message);
                wait = TimeSpan.FromSeconds(1);
            }
            try { await Task.Delay(wait, stopping); }
            catch (OperationCanceledException) { return; }
        }
    }
}

/// <summary>Wakes this instance's workers when it has written work for them (a dispatcher, a retry); workers of other
/// instances poll. One signal per kind of work, so each kind is its own subclass in the container.</summary>
public abstract class WakeSignal
{
    private readonly SemaphoreSlim _signal = new(0, 1);

    public void Wake()
    {
        try { _signal.Release(); }
        catch (SemaphoreFullException) { } // awake already
    }

    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken ct) => _signal.WaitAsync(timeout, ct);
}
