using System.Data;
using System.Diagnostics;
using Npgsql;
using Tracker.Infrastructure;

namespace Tracker.Integrity;

/// <summary>Which part of the chain to check.</summary>
/// <param name="AgreementId">Only this agreement's events, each against the hash row before it.</param>
/// <param name="FromSequence">The chain from the position of the first event at or after this sequence number on.</param>
public sealed record ChainScope(string? AgreementId = null, long? FromSequence = null)
{
    public bool Whole => AgreementId is null && FromSequence is null;

    public override string ToString() =>
        AgreementId is { } a ? $"agreement '{a}'" : FromSequence is { } s ? $"the chain from event #{s}" : "the whole chain";
}

/// <summary>
/// Recomputes the chain from the stored events, in one read-only snapshot, streaming: one forward pass over the
/// hash rows joined to their events, so memory stays flat however large the store. It trusts nothing the database
/// computed: each hash is recomputed here (see <see cref="ChainEncoding"/>) and compared with the stored one.
/// </summary>
public sealed class ChainVerifier(NpgsqlDataSource dataSource, IConfiguration configuration)
{
    /// <summary>Ranges verified at once, each on its own connection: one per core by default.</summary>
    private readonly int workers = Math.Clamp(configuration.GetValue("Tracker:Integrity:VerifyWorkers", Environment.ProcessorCount), 1, 16);
    /// <summary>No range shorter than this: a small chain is one pass on one connection.</summary>
    private readonly long rangeEvents = Math.Max(1, configuration.GetValue("Tracker:Integrity:VerifyRangeEvents", 20_000L));

    private const string Schema = TrackerHost.MartenSchema;

    private const string Columns = """
        c.position, c.seq_id, c.stream_id, c.version, c.hash,
        e.seq_id, e.stream_id, e.version, e.type, e.timestamp, e.user_name, e.correlation_id, e.causation_id,
        e.headers::text, e.data::text
        """;

    private const string WalkSettings =
        "set local enable_hashjoin = off; set local enable_mergejoin = off; set local enable_sort = off; set local max_parallel_workers_per_gather = 0";

    public async Task<IntegrityReport> VerifyAsync(ChainScope scope, Checkpoint? anchor = null, CancellationToken ct = default)
    {
        if (anchor is not null && !scope.Whole)
            throw new ArgumentException("a checkpoint is checked against the whole chain: leave out the agreement and the starting event");
        var clock = Stopwatch.StartNew();
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(IsolationLevel.RepeatableRead, ct);
        await Execute(conn, tx, "set transaction read only", ct);
        // The walk is one ordered pass: the chain's primary key in order, each event by its own. Left to itself the
        // planner may hash-join and then sort every event's data on disk before returning the first row.
        await Execute(conn, tx, WalkSettings, ct);

        var genesis = await GenesisAsync(conn, tx, ct);
        if (genesis is null)
            return Report(false, "the chain has not been set up on this database (migration 0006 not applied)", scope, 0, 0, null, null,
                null, null, null, clock);
        var walk = new Walk();
        anchor ??= scope.Whole ? await Checkpoints.LatestStoredAsync(conn, tx, ct) : null;
        var anchorSource = anchor?.Source;
        if (anchor is not null && !CheckpointSigner.IsValid(anchor))
        {
            var invalid = new ChainBreak(BreakKinds.CheckpointBroken, anchor.Position, anchor.Sequence, null, null,
                $"the checkpoint from {anchor.Source} is not validly signed by the key it names: it was altered or forged");
            return Report(false, invalid.Detail, scope, 0, 0, null, null, invalid,
                new CheckpointCheck(anchor.Position, Convert.ToHexStringLower(anchor.Hash), anchor.SignedAt, anchor.Source, false, invalid.Detail),
                genesis, clock);
        }

        if (scope.AgreementId is { } agreement)
            await WalkAgreementAsync(conn, tx, agreement, walk, ct);
        else
            await WalkChainAsync(conn, tx, scope.FromSequence, walk, anchor, ct);
        // Each hash row verified names an event of its own, so past a whole walk any event more is one the chain does
        // not know; counting them is an index-only scan, where looking each one up would read every event again.
        if (walk.Break is null && (!scope.Whole || await CountEventsAsync(conn, tx, ct) != walk.Verified))
            walk.Break = await UnchainedEventAsync(conn, tx, scope.AgreementId, ct);

        CheckpointCheck? checkpoint = null;
        if (anchor is not null && walk.Break is null)
        {
            var hash = Convert.ToHexStringLower(anchor.Hash);
            if (walk.AnchorMatched is null && anchor.Position > walk.LastPosition)
                walk.AnchorMatched = false;
            checkpoint = walk.AnchorMatched switch
            {
                true => new CheckpointCheck(anchor.Position, hash, anchor.SignedAt, anchorSource!, true,
                    $"the chain extends the checkpoint of {anchor.SignedAt:yyyy-MM-dd HH:mm:ss}Z (position {anchor.Position:N0}, head {hash})"),
                _ => new CheckpointCheck(anchor.Position, hash, anchor.SignedAt, anchorSource!, false,
                    anchor.Position > walk.LastPosition
                        ? $"the chain ends at position {walk.LastPosition:N0}, but the checkpoint of {anchor.SignedAt:yyyy-MM-dd HH:mm:ss}Z " +
                          $"was signed at position {anchor.Position:N0}: events and their hash rows after position {walk.LastPosition:N0} were removed"
                        : $"at position {anchor.Position:N0} the chain's hash is {walk.AnchorSeen}, but the checkpoint of " +
                          $"{anchor.SignedAt:yyyy-MM-dd HH:mm:ss}Z says {hash}: an event at or before it was changed, removed or " +
                          "inserted and the hashes after it recomputed"),
            };
            if (!checkpoint.Extended)
                walk.Break = new ChainBreak(BreakKinds.CheckpointBroken, Math.Min(anchor.Position, walk.LastPosition + 1), anchor.Sequence,
                    null, null, checkpoint.Detail);
        }

        var head = walk.LastHash is null ? null : Convert.ToHexStringLower(walk.LastHash);
        if (walk.Break is { } broken)
            return Report(false, $"the chain breaks at position {broken.Position:N0}" +
                                 (broken.Sequence is { } s ? $" (event #{s})" : "") + $": {broken.Detail}",
                scope, walk.Verified, walk.LastPosition, walk.LastSequence, head, broken, checkpoint, genesis, clock);
        var summary = walk.Verified == 0
            ? $"no events to verify in {scope}"
            : $"{walk.Verified:N0} events verified ({scope}), head {head} at position {walk.LastPosition:N0}";
        return Report(true, summary, scope, walk.Verified, walk.LastPosition, walk.LastSequence, head, null, checkpoint, genesis, clock);
    }

    private sealed class Walk
    {
        public long Verified;
        public long LastPosition;
        public long? LastSequence;
        public byte[]? LastHash;
        public ChainBreak? Break;
        public bool? AnchorMatched;
        public string? AnchorSeen;
        /// <summary>The first position whose hash row is missing, if that is what broke.</summary>
        public long? Gap;
    }

    private async Task WalkChainAsync(NpgsqlConnection conn, NpgsqlTransaction tx, long? fromSequence, Walk walk,
        Checkpoint? anchor, CancellationToken ct)
    {
        var from = 1L;
        if (fromSequence is { } seq)
        {
            await using var start = new NpgsqlCommand(
                $"select min(position) from {Schema}.event_chain where seq_id >= $1", conn, tx) { Parameters = { new() { Value = seq } } };
            if (await start.ExecuteScalarAsync(ct) is not long first) return;
            from = first;
        }
        walk.LastPosition = from - 1;
        await using var tip = new NpgsqlCommand($"select max(position) from {Schema}.event_chain", conn, tx);
        if (await tip.ExecuteScalarAsync(ct) is not long last || last < from) return;

        // Every hash is checked against the stored hash before it, so the chain splits into ranges that are verified
        // at once, each on a connection of its own reading the same snapshot, and then told in chain order: the first
        // range that breaks is where the chain breaks. PostgreSQL turning each event's jsonb into text is most of the
        // work, and one connection is one core.
        var ranges = Ranges(from, last);
        var walks = new Walk[ranges.Count];
        if (ranges.Count == 1)
            walks[0] = await WalkRangeAsync(conn, tx, ranges[0].From, ranges[0].To, anchor, ct);
        else
        {
            await using var export = new NpgsqlCommand("select pg_export_snapshot()", conn, tx);
            var snapshot = (string)(await export.ExecuteScalarAsync(ct))!;
            var tasks = new Task<Walk>[ranges.Count];
            tasks[0] = WalkRangeAsync(conn, tx, ranges[0].From, ranges[0].To, anchor, ct);
            for (var i = 1; i < ranges.Count; i++)
            {
                var (lo, hi) = ranges[i];
                tasks[i] = Task.Run(() => WalkRangeInSnapshotAsync(snapshot, lo, hi, anchor, ct), ct);
            }
            await Task.WhenAll(tasks);
            for (var i = 0; i < tasks.Length; i++) walks[i] = tasks[i].Result;
        }

        long? gap = null;
        foreach (var range in walks)
        {
            walk.Verified += range.Verified;
            if (range.Verified > 0)
            {
                walk.LastPosition = range.LastPosition;
                walk.LastSequence = range.LastSequence;
                walk.LastHash = range.LastHash;
            }
            if (range.AnchorMatched is not null)
                (walk.AnchorMatched, walk.AnchorSeen) = (range.AnchorMatched, range.AnchorSeen);
            if (range.Break is not null || range.Gap is not null)
            {
                walk.Break = range.Break;
                gap = range.Gap;
                break;
            }
        }
        // Every reader is closed by now: the connection can answer which event lost its row.
        if (gap is { } position) walk.Break = await MissingRowAsync(conn, tx, position, ct);
    }

    private List<(long From, long To)> Ranges(long from, long last)
    {
        var count = last - from + 1;
        var parts = (int)Math.Clamp((count + rangeEvents - 1) / rangeEvents, 1, workers);
        var ranges = new List<(long, long)>(parts);
        for (var i = 0; i < parts; i++)
            ranges.Add((from + count * i / parts, from + count * (i + 1) / parts - 1));
        return ranges;
    }

    private async Task<Walk> WalkRangeInSnapshotAsync(string snapshot, long from, long to, Checkpoint? anchor, CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(IsolationLevel.RepeatableRead, ct);
        await Execute(conn, tx, $"set transaction snapshot '{snapshot}'; set transaction read only; {WalkSettings}", ct);
        return await WalkRangeAsync(conn, tx, from, to, anchor, ct);
    }

    /// <summary>
    /// Positions <paramref name="from"/> to <paramref name="to"/>, the first against the stored hash before it. A
    /// missing position is left in <see cref="Walk.Gap"/> for the caller to name, once no reader is open.
    /// </summary>
    private static async Task<Walk> WalkRangeAsync(NpgsqlConnection conn, NpgsqlTransaction tx, long from, long to, Checkpoint? anchor,
        CancellationToken ct)
    {
        var walk = new Walk { LastPosition = from - 1 };
        var previous = ChainEncoding.Genesis;
        if (from > 1)
        {
            await using var prior = new NpgsqlCommand($"select hash from {Schema}.event_chain where position = $1", conn, tx)
                { Parameters = { new() { Value = from - 1 } } };
            if (await prior.ExecuteScalarAsync(ct) is not byte[] priorHash)
            {
                walk.Break = new ChainBreak(BreakKinds.HashRowMissing, from - 1, null, null, null,
                    $"the hash row for position {from - 1:N0}, before the first one asked for, is missing");
                return walk;
            }
            previous = priorHash;
        }

        await using var cmd = new NpgsqlCommand($"""
            select {Columns}
            from {Schema}.event_chain c left join {Schema}.mt_events e on e.seq_id = c.seq_id
            where c.position between $1 and $2 order by c.position
            """, conn, tx) { Parameters = { new() { Value = from }, new() { Value = to } } };
        await using var reader = await cmd.ExecuteReaderAsync(CommandBehavior.SequentialAccess, ct);
        var encoding = new ChainEncoding();
        var computed = new byte[ChainEncoding.HashLength];
        var expected = from;
        while (await reader.ReadAsync(ct))
        {
            var row = Row.Read(reader);
            if (row.Position != expected)
            {
                walk.Gap = expected;
                return walk;
            }
            if (Check(row, previous, encoding, computed) is { } broken)
            {
                walk.Break = broken;
                return walk;
            }
            if (anchor is not null && row.Position == anchor.Position)
            {
                walk.AnchorMatched = row.Hash.AsSpan().SequenceEqual(anchor.Hash);
                walk.AnchorSeen = Convert.ToHexStringLower(row.Hash);
            }
            previous = row.Hash;
            walk.Verified++;
            walk.LastPosition = row.Position;
            walk.LastSequence = row.Sequence;
            walk.LastHash = row.Hash;
            expected++;
        }
        if (expected <= to) walk.Gap = expected;
        return walk;
    }

    private async Task WalkAgreementAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string agreement, Walk walk, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand($"""
            select {Columns}, p.hash
            from {Schema}.event_chain c
                 left join {Schema}.mt_events e on e.seq_id = c.seq_id
                 left join {Schema}.event_chain p on p.position = c.position - 1
            where c.stream_id = $1 order by c.position
            """, conn, tx) { Parameters = { new() { Value = agreement } } };
        await using var reader = await cmd.ExecuteReaderAsync(CommandBehavior.SequentialAccess, ct);
        var encoding = new ChainEncoding();
        var computed = new byte[ChainEncoding.HashLength];
        while (await reader.ReadAsync(ct))
        {
            var row = Row.Read(reader);
            var previous = row.Position == 1 ? ChainEncoding.Genesis : reader.IsDBNull(15) ? null : reader.GetFieldValue<byte[]>(15);
            if (previous is null)
            {
                walk.Break = new ChainBreak(BreakKinds.HashRowMissing, row.Position - 1, null, null, null,
                    $"the hash row for position {row.Position - 1:N0}, before event #{row.Sequence} ({row.StreamId} v{row.Version}), is missing");
                return;
            }
            if (Check(row, previous, encoding, computed) is { } broken)
            {
                walk.Break = broken;
                return;
            }
            walk.Verified++;
            walk.LastPosition = row.Position;
            walk.LastSequence = row.Sequence;
            walk.LastHash = row.Hash;
        }
    }

    private static ChainBreak? Check(in Row row, byte[] previous, ChainEncoding encoding, byte[] computed)
    {
        if (row.Event is not { } e)
            return new ChainBreak(BreakKinds.EventMissing, row.Position, row.Sequence, row.StreamId, row.Version,
                $"event #{row.Sequence} ({row.StreamId} v{row.Version}) is gone from the log");
        if (e.StreamId != row.StreamId || e.Version != row.Version)
            return new ChainBreak(BreakKinds.OrderChanged, row.Position, row.Sequence, row.StreamId, row.Version,
                $"event #{row.Sequence} is now {e.StreamId} v{e.Version}, but the chain recorded {row.StreamId} v{row.Version} " +
                "there: events were moved to other sequence numbers");
        encoding.Hash(previous, e, computed);
        if (!computed.AsSpan().SequenceEqual(row.Hash))
            return new ChainBreak(BreakKinds.DataChanged, row.Position, row.Sequence, row.StreamId, row.Version,
                $"event #{row.Sequence} ({row.StreamId} v{row.Version}, {e.Type}, recorded by {e.UserName ?? "nobody"}) no longer " +
                "matches its hash: its data, type, time, author, correlation or causation id or headers were changed " +
                "(or its hash row was)");
        return null;
    }

    private static async Task<ChainBreak> MissingRowAsync(NpgsqlConnection conn, NpgsqlTransaction tx, long position, CancellationToken ct)
    {
        var orphan = await FirstUnchainedAsync(conn, tx, null, ct);
        return new ChainBreak(BreakKinds.HashRowMissing, position, orphan?.Sequence, orphan?.StreamId, orphan?.Version,
            $"the hash row for position {position:N0} is missing" +
            (orphan is { } o ? $" (event #{o.Sequence}, {o.StreamId} v{o.Version}, has no hash row)" : ""));
    }

    /// <summary>An event the chain does not know: its hash row was deleted, or it was written past the trigger.</summary>
    private static async Task<ChainBreak?> UnchainedEventAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string? agreement,
        CancellationToken ct)
    {
        if (await FirstUnchainedAsync(conn, tx, agreement, ct) is not { } o) return null;
        return new ChainBreak(BreakKinds.HashRowMissing, 0, o.Sequence, o.StreamId, o.Version,
            $"event #{o.Sequence} ({o.StreamId} v{o.Version}) has no hash row: its row was deleted, or the event was written " +
            "past the chain");
    }

    private static async Task<(long Sequence, string? StreamId, long Version)?> FirstUnchainedAsync(
        NpgsqlConnection conn, NpgsqlTransaction tx, string? agreement, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand($"""
            select e.seq_id, e.stream_id, e.version from {Schema}.mt_events e
            where ($1::varchar is null or e.stream_id = $1)
              and not exists (select 1 from {Schema}.event_chain c where c.seq_id = e.seq_id)
            order by e.seq_id limit 1
            """, conn, tx) { Parameters = { new() { Value = (object?)agreement ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Varchar } } };
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct)) return null;
        return (reader.GetInt64(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.GetInt64(2));
    }

    private static async Task<long> CountEventsAsync(NpgsqlConnection conn, NpgsqlTransaction tx, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand($"select count(*) from {Schema}.mt_events", conn, tx);
        return (long)(await cmd.ExecuteScalarAsync(ct))!;
    }

    private static async Task<ChainGenesis?> GenesisAsync(NpgsqlConnection conn, NpgsqlTransaction tx, CancellationToken ct)
    {
        await using var exists = new NpgsqlCommand($"select to_regclass('{Schema}.event_chain_genesis') is not null", conn, tx);
        if (!(bool)(await exists.ExecuteScalarAsync(ct))!) return null;
        await using var cmd = new NpgsqlCommand(
            $"select chained_at, backfilled, backfilled_through_seq from {Schema}.event_chain_genesis where id = 1", conn, tx);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct)) return null;
        return new ChainGenesis(reader.GetFieldValue<DateTimeOffset>(0), reader.GetInt64(1), reader.IsDBNull(2) ? null : reader.GetInt64(2));
    }

    private static IntegrityReport Report(bool intact, string summary, ChainScope scope, long verified, long headPosition,
        long? headSequence, string? head, ChainBreak? broken, CheckpointCheck? checkpoint, ChainGenesis? genesis, Stopwatch clock)
    {
        var seconds = clock.Elapsed.TotalSeconds;
        return new IntegrityReport(intact, summary, scope.ToString(), verified, headPosition, headSequence, head, broken, checkpoint,
            genesis, Math.Round(seconds, 3), seconds > 0 ? Math.Round(verified / seconds) : 0);
    }

    private static async Task Execute(NpgsqlConnection conn, NpgsqlTransaction tx, string sql, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(sql, conn, tx);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>A hash row and the event it names (null when the log no longer has it), read in column order.</summary>
    private readonly record struct Row(long Position, long Sequence, string? StreamId, long Version, byte[] Hash, ChainedEvent? Event)
    {
        public static Row Read(NpgsqlDataReader r)
        {
            var position = r.GetInt64(0);
            var sequence = r.GetInt64(1);
            var streamId = r.IsDBNull(2) ? null : r.GetString(2);
            var version = r.GetInt64(3);
            var hash = r.GetFieldValue<byte[]>(4);
            ChainedEvent? e = null;
            if (!r.IsDBNull(5))
                e = new ChainedEvent(r.GetInt64(5), r.IsDBNull(6) ? null : r.GetString(6), r.GetInt64(7), r.GetString(8),
                    r.GetDateTime(9), r.IsDBNull(10) ? null : r.GetString(10), r.IsDBNull(11) ? null : r.GetString(11),
                    r.IsDBNull(12) ? null : r.GetString(12), r.IsDBNull(13) ? null : r.GetFieldValue<byte[]>(13), r.GetFieldValue<byte[]>(14));
            return new Row(position, sequence, streamId, version, hash, e);
        }
    }
}
