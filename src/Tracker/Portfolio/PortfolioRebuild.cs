using System.Diagnostics;
using System.Runtime.ExceptionServices;
using System.Text.Json;
using System.Threading.Channels;
using JasperFx.Events;
using Marten;
using Npgsql;
using NpgsqlTypes;
using Tracker.Agreements.Storage;
using Tracker.Infrastructure;
using Tracker.Infrastructure.Database;

namespace Tracker.Portfolio;

/// <summary>
/// Rebuilds the portfolio beside the live tables while the service serves (blue/green), then switches in one
/// transaction:
/// <list type="number">
/// <item>Each of the projection's eight tables (its six row tables and its two documents) gets an empty twin
/// <c>…_next</c> without indexes. The event log is read once, one stream after another in version order; each stream
/// is folded in memory by <see cref="PortfolioProjection.Fold"/> (the code every append runs) and its rows are written
/// with binary COPY. Only one stream's events and one batch of rows are in memory at a time.</item>
/// <item>The twins get the live tables' indexes, built once. Streams whose version moved since they were folded
/// (written meanwhile) are folded again whole and their rows replaced, until few remain.</item>
/// <item>One transaction locks the live tables (a writer's projection writes wait, readers wait; briefly, and never
/// for long: if the locks are not had within <see cref="LockTimeout"/> the rebuild lets go, catches up again and
/// retries, so it is always the rebuild that yields, never a write), folds the last stragglers, drops the live tables
/// and renames the twins and their indexes into their places.</item>
/// </list>
/// A rebuild that dies leaves the live tables as they were; its twins are dropped by the next one. The change log
/// (<see cref="ChangeLog"/>) is facts of their own, never rewritten: nothing here touches it.
/// </summary>
public sealed class PortfolioRebuild(IDocumentStore store, string connectionString, Action<string> log)
{
    private const string Schema = TrackerHost.MartenSchema;
    private const string Next = "_next";
    private const string FileTable = Schema + ".mt_doc_commitmentfile";
    private const string RouteTable = Schema + ".mt_doc_statementroute";
    /// <summary>Every table the projection writes, in the order they are locked.</summary>
    public static readonly string[] Tables = [.. PortfolioRows.Tables, FileTable, RouteTable];
    /// <summary>
    /// Past the server's deadlock_timeout (1 s), and not much past it. A writer that waits on the rebuild while the
    /// rebuild waits on it began waiting after the rebuild did, so the rebuild's own deadlock check runs first and it is
    /// the rebuild that is aborted (and retries), never the write; an autovacuum holding a live table is cancelled by
    /// that same check (with a timeout under 1 s the rebuild would give up first, again and again); and readers queued
    /// behind the switch wait 1.5 s at most for a long read that holds a table.
    /// </summary>
    private const string LockTimeout = "1500ms";
    /// <summary>How soon the switch looks for a deadlock it is in: a tenth of the server's default, see SwitchAsync.</summary>
    private const string SwitchDeadlockTimeout = "100ms";
    private const long LockKey = Migrations.AdvisoryLockKey + 3;
    private const int RowsPerCopy = 5_000;
    private const int FewEnoughToSwitch = 200;

    /// <summary>The version each stream was folded at.</summary>
    private readonly Dictionary<string, long> folded = new(StringComparer.Ordinal);
    public long Events { get; private set; }

    /// <summary>Runs the rebuild; false (and why, logged) if another rebuild holds the store.</summary>
    public async Task<bool> RunAsync(CancellationToken ct = default)
    {
        await using var conn = await OpenAsync(ct);
        if (!await ScalarAsync<bool>(conn, $"select pg_try_advisory_lock({LockKey})", ct))
        {
            log("portfolio rebuild: another portfolio rebuild is running on this database. Nothing was rebuilt.");
            return false;
        }
        // 'projections rebuild' empties the live tables and holds the serving lease exclusively: never beside it.
        if (!await ScalarAsync<bool>(conn, $"select pg_try_advisory_lock_shared({ServingLease.Key})", ct))
        {
            log("portfolio rebuild: 'projections rebuild' is running on this database. Nothing was rebuilt.");
            return false;
        }
        await ExecuteAsync(conn, "set maintenance_work_mem = '256MB'", ct);

        var clock = Stopwatch.StartNew();
        await CreateTwinsAsync(conn, ct);
        await LoadAsync(conn, ct);
        log($"portfolio rebuild: {Events:N0} events folded in {clock.Elapsed.TotalSeconds:N1} s; building indexes…");
        await IndexTwinsAsync(conn, ct);
        for (var round = 0; round < 10; round++)
            if (await CatchUpAsync(conn, inSwitch: false, ct) <= FewEnoughToSwitch) break;
        var switching = Stopwatch.StartNew();
        var attempts = 1;
        for (; ; attempts++)
        {
            try
            {
                await SwitchAsync(conn, ct);
                break;
            }
            catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.LockNotAvailable or PostgresErrorCodes.DeadlockDetected
                                              && attempts < 200)
            {
                await Task.Delay(Random.Shared.Next(50, 250), ct);
                await CatchUpAsync(conn, inSwitch: false, ct);
            }
        }
        log($"portfolio rebuild: the switch took {switching.Elapsed.TotalSeconds:N1} s ({attempts} attempt(s) at the live tables' locks)");
        log($"portfolio rebuild: switched; {Events:N0} events in {clock.Elapsed.TotalSeconds:N1} s " +
            $"({Events / Math.Max(clock.Elapsed.TotalSeconds, 0.001):N0} events/s).");
        return true;
    }

    private async Task<NpgsqlConnection> OpenAsync(CancellationToken ct)
    {
        var conn = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString)
        {
            Pooling = false, CommandTimeout = 0, ApplicationName = "tracker portfolio rebuild",
        }.ConnectionString);
        await conn.OpenAsync(ct);
        return conn;
    }

    private static string Short(string table) => table[(table.IndexOf('.') + 1)..];

    private static async Task CreateTwinsAsync(NpgsqlConnection conn, CancellationToken ct)
    {
        foreach (var table in Tables)
            await ExecuteAsync(conn, $"""
                drop table if exists {table}{Next};
                create table {table}{Next} (like {table} including all excluding indexes)
                """, ct);
    }

    /// <summary>
    /// Every stream, one after another: the log is read once, in (stream, version) order, on a connection of its own
    /// (<see cref="RawEvents"/>); streams are folded by <see cref="Folders"/> workers side by side, each filling buffers
    /// of rows that <see cref="Copiers"/> connections write with COPY while the next are folded. What is in memory:
    /// a few chunks of streams and a few buffers of rows.
    /// </summary>
    private async Task LoadAsync(NpgsqlConnection conn, CancellationToken ct)
    {
        using var failed = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var token = failed.Token;
        var serializer = store.Options.Serializer();
        var chunks = Channel.CreateBounded<List<List<IEvent>>>(new BoundedChannelOptions(Folders) { SingleWriter = true });
        var full = Channel.CreateBounded<Buffer>(new BoundedChannelOptions(1) { SingleReader = false });
        var reading = new Stopwatch();
        var total = Stopwatch.StartNew();
        var lastReport = Stopwatch.StartNew();

        // A step that fails cancels the others, so that none waits forever on a channel the failed one fed or drained.
        async Task Step(Func<Task> work)
        {
            try { await work(); }
            catch
            {
                await failed.CancelAsync();
                throw;
            }
        }

        var reader = Task.Run(() => Step(async () =>
        {
            try
            {
                await using var own = await OpenAsync(token);
                var chunk = new List<List<IEvent>>();
                var stream = new List<IEvent>();
                var inChunk = 0;
                reading.Start();
                await foreach (var e in RawEvents.ReadAsync(own, store, null, token))
                {
                    if (stream.Count > 0 && stream[0].StreamKey != e.StreamKey)
                    {
                        chunk.Add(stream);
                        inChunk += stream.Count;
                        stream = [];
                        if (inChunk >= EventsPerChunk)
                        {
                            await chunks.Writer.WriteAsync(chunk, token);
                            chunk = [];
                            inChunk = 0;
                        }
                    }
                    stream.Add(e);
                }
                if (stream.Count > 0) chunk.Add(stream);
                if (chunk.Count > 0) await chunks.Writer.WriteAsync(chunk, token);
                reading.Stop();
            }
            finally { chunks.Writer.TryComplete(); }
        }), token);

        var folders = Enumerable.Range(0, Folders).Select(_ => Task.Run(() => Step(async () =>
        {
            var buffer = new Buffer(serializer);
            await foreach (var chunk in chunks.Reader.ReadAllAsync(token))
            {
                foreach (var stream in chunk) Fold(buffer, stream);
                if (buffer.Rows < RowsPerCopy) continue;
                await full.Writer.WriteAsync(buffer, token);
                buffer = new Buffer(serializer);
                lock (folded)
                    if (lastReport.Elapsed > TimeSpan.FromSeconds(10))
                    {
                        log($"portfolio rebuild: {Events:N0} events folded…");
                        lastReport.Restart();
                    }
            }
            if (buffer.Rows > 0) await full.Writer.WriteAsync(buffer, token);
        }), token)).ToArray();

        var copiers = Enumerable.Range(0, Copiers).Select(i => Task.Run(() => Step(async () =>
        {
            await using var own = i == 0 ? null : await OpenAsync(token);
            await foreach (var buffer in full.Reader.ReadAllAsync(token))
            {
                var clock = Stopwatch.StartNew();
                await buffer.CopyAsync(own ?? conn, token);
                Interlocked.Add(ref copyTicks, clock.Elapsed.Ticks);
            }
        }), token)).ToArray();

        // Once every stream is folded (or the folding failed), the copiers finish what is queued and stop.
        _ = Task.WhenAll([reader, .. folders]).ContinueWith(_ => full.Writer.TryComplete(), TaskScheduler.Default);
        Task[] steps = [reader, .. folders, .. copiers];
        try
        {
            await Task.WhenAll(steps);
        }
        catch
        {
            // The step that failed first, not the cancellations it caused in the others.
            var cause = steps.Where(t => t.IsFaulted).SelectMany(t => t.Exception!.InnerExceptions)
                .FirstOrDefault(e => e is not OperationCanceledException);
            if (cause is not null) ExceptionDispatchInfo.Throw(cause);
            throw;
        }
        log($"portfolio rebuild: reading the events {reading.Elapsed.TotalSeconds:N1} s, " +
            $"folding {TimeSpan.FromTicks(foldTicks).TotalSeconds:N1} s over {Folders} workers, " +
            $"COPY {TimeSpan.FromTicks(copyTicks).TotalSeconds:N1} s over {Copiers} connections, in all {total.Elapsed.TotalSeconds:N1} s");
    }

    /// <summary>Folders at work side by side; each folds whole streams, so they share nothing but what was folded. At
    /// most four: each holds a buffer of rows.</summary>
    private static readonly int Folders = Math.Clamp(Environment.ProcessorCount, 2, 4);
    /// <summary>Connections writing COPY side by side: the server parses and stores one batch per connection.</summary>
    private const int Copiers = 2;
    private const int EventsPerChunk = 2_000;
    private long foldTicks;
    private long copyTicks;

    private void Fold(Buffer buffer, List<IEvent> stream)
    {
        var clock = Stopwatch.StartNew();
        buffer.Add(PortfolioProjection.Fold(stream));
        Interlocked.Add(ref foldTicks, clock.Elapsed.Ticks);
        lock (folded)
        {
            folded[stream[0].StreamKey!] = stream[^1].Version;
            Events += stream.Count;
        }
    }

    /// <summary>The live tables' indexes and primary keys on the twins, named <c>…_next</c> until the switch; built
    /// a few at a time, each on a connection of its own (a GiST index builds on one core).</summary>
    private async Task IndexTwinsAsync(NpgsqlConnection conn, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var builds = new List<(string Table, string Name, string Sql, string? Constraint)>();
        foreach (var table in Tables)
            foreach (var (name, definition, constraint) in await IndexesOfAsync(conn, table, ct))
            {
                var on = $" ON {table} ";
                var at = definition.IndexOf(on, StringComparison.Ordinal);
                if (at < 0 || !definition.Contains($"INDEX {name} ON", StringComparison.Ordinal))
                    throw new InvalidOperationException($"portfolio rebuild: cannot read the definition of index {name}: {definition}");
                builds.Add((table, name, definition[..at].Replace($"INDEX {name}", $"INDEX {name}{Next}")
                                         + $" ON {table}{Next} " + definition[(at + on.Length)..], constraint));
            }
        using var turns = new SemaphoreSlim(IndexBuilders);
        // The slowest (GiST) first, so they do not start last.
        await Task.WhenAll(builds.OrderByDescending(b => b.Sql.Contains("USING gist", StringComparison.Ordinal)).Select(async b =>
        {
            await turns.WaitAsync(ct);
            try
            {
                await using var own = await OpenAsync(ct);
                await ExecuteAsync(own, "set maintenance_work_mem = '256MB'", ct);
                await ExecuteAsync(own, b.Sql, ct);
            }
            finally { turns.Release(); }
        }));
        foreach (var b in builds.Where(b => b.Constraint is not null))
            await ExecuteAsync(conn, $"alter table {b.Table}{Next} add constraint {b.Constraint}{Next} primary key using index {b.Name}{Next}", ct);
        foreach (var table in Tables) await ExecuteAsync(conn, $"analyze {table}{Next}", ct);
        log($"portfolio rebuild: {builds.Count} indexes built in {clock.Elapsed.TotalSeconds:N1} s");
    }

    private const int IndexBuilders = 3;

    private static async Task<List<(string Name, string Definition, string? Constraint)>> IndexesOfAsync(NpgsqlConnection conn,
        string table, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("""
            select i.relname, pg_get_indexdef(i.oid), c.conname
            from pg_index x join pg_class i on i.oid = x.indexrelid
                 left join pg_constraint c on c.conindid = i.oid and c.contype = 'p'
            where x.indrelid = $1::regclass order by i.relname
            """, conn) { Parameters = { new() { Value = table } } };
        var result = new List<(string, string, string?)>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            result.Add((reader.GetString(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2)));
        return result;
    }

    /// <summary>Folds again, whole, every stream whose version is not the one folded; how many there were.</summary>
    private async Task<int> CatchUpAsync(NpgsqlConnection conn, bool inSwitch, CancellationToken ct)
    {
        var behind = new List<string>();
        await using (var cmd = new NpgsqlCommand($"select id, version from {Schema}.mt_streams where id <> $1", conn)
                     { Parameters = { new() { Value = Tombstones.StreamKey } } })
        await using (var reader = await cmd.ExecuteReaderAsync(ct))
            while (await reader.ReadAsync(ct))
                if (!folded.TryGetValue(reader.GetString(0), out var version) || version != reader.GetInt64(1))
                    behind.Add(reader.GetString(0));
        if (behind.Count > 0)
            log($"portfolio rebuild: {behind.Count:N0} agreement(s) written meanwhile; folding them again{(inSwitch ? " under the lock" : "")}…");
        foreach (var chunk in behind.Chunk(100))
        {
            // Read committed: the writers of these streams either committed already or wait for the switch's locks, so
            // under the lock this is the whole of what the new tables must hold.
            var events = await RawEvents.ReadAsync(conn, store, chunk, ct).ToListAsync(ct);
            var fold = PortfolioProjection.Fold(events);
            var ids = chunk.ToArray();
            foreach (var table in new[] { PortfolioRows.Agreements, PortfolioRows.Status, PortfolioRows.Now, PortfolioRows.Transitions, PortfolioRows.Statements })
                await ExecuteAsync(conn, $"delete from {table}{Next} where agreement_id = any($1)", ct, (object)ids);
            await ExecuteAsync(conn, $"""
                delete from {PortfolioRows.Facts}{Next} f using unnest($1::text[]) a(id)
                where f.commitment_key >= a.id || '/' and f.commitment_key < a.id || '0'
                """, ct, (object)ids);
            await ExecuteAsync(conn, $"delete from {FileTable}{Next} where id = any($1)", ct, (object)fold.Files.Select(f => f.Id).ToArray());
            await ExecuteAsync(conn, $"delete from {RouteTable}{Next} where id = any($1)", ct, (object)fold.Routes.Select(r => r.Key).ToArray());
            var buffer = new Buffer(store.Options.Serializer());
            buffer.Add(fold);
            await buffer.CopyAsync(conn, ct);
            foreach (var group in events.GroupBy(e => e.StreamKey!)) folded[group.Key] = group.Max(e => e.Version);
            foreach (var id in chunk.Where(id => !events.Any(e => e.StreamKey == id))) folded.Remove(id);
        }
        return behind.Count;
    }

    private async Task SwitchAsync(NpgsqlConnection conn, CancellationToken ct)
    {
        await using var tx = await conn.BeginTransactionAsync(ct);
        await ExecuteAsync(conn, $"set local lock_timeout = '{LockTimeout}'", ct);
        // The switch's own deadlock check comes well before anyone else's (1 s), so it is the switch that a deadlock
        // aborts, even on a starved machine where equal timers fire in either order; only a superuser may set it, and
        // where the service's role is not one, the server's setting stands.
        await ExecuteAsync(conn, $"select set_config('deadlock_timeout', '{SwitchDeadlockTimeout}', true) where current_setting('is_superuser') = 'on'", ct);
        await ExecuteAsync(conn, $"lock table {string.Join(", ", Tables)} in access exclusive mode", ct);
        await ExecuteAsync(conn, "set local lock_timeout = 0", ct);
        await CatchUpAsync(conn, inSwitch: true, ct);
        foreach (var table in Tables)
        {
            var indexes = await IndexesOfAsync(conn, table + Next, ct);
            await ExecuteAsync(conn, $"drop table {table}; alter table {table}{Next} rename to {Short(table)}", ct);
            foreach (var (name, _, _) in indexes)
                await ExecuteAsync(conn, $"alter index {Schema}.{name} rename to {name[..^Next.Length]}", ct);
        }
        await tx.CommitAsync(ct);
    }

    private static async Task ExecuteAsync(NpgsqlConnection conn, string sql, CancellationToken ct, params object[] parameters)
    {
        await using var cmd = new NpgsqlCommand(sql, conn);
        foreach (var p in parameters) cmd.Parameters.Add(new NpgsqlParameter { Value = p });
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlConnection conn, string sql, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(sql, conn);
        return (T)(await cmd.ExecuteScalarAsync(ct))!;
    }

    /// <summary>Folded rows waiting for their COPY, the JSON of documents and facts already written (by the folder
    /// that filled it: folders work side by side, a COPY connection only streams).</summary>
    private sealed class Buffer(ISerializer documents)
    {
        private readonly List<PortfolioFold> folds = [];
        private readonly List<(string File, Guid Statement, string Json)> facts = [];
        private readonly List<(string Id, string Json)> files = [];
        private readonly List<(string Id, string Json)> routes = [];
        public int Rows { get; private set; }

        public void Add(PortfolioFold fold)
        {
            folds.Add(fold);
            foreach (var (file, statement, f) in fold.Facts) facts.Add((file, statement, JsonSerializer.Serialize(f, PortfolioJson.Options)));
            foreach (var file in fold.Files) files.Add((file.Id, documents.ToJson(file)));
            foreach (var route in fold.Routes) routes.Add((route.Key, documents.ToJson(route)));
            Rows += fold.Status.Count + fold.Transitions.Count + fold.Statements.Count + fold.Facts.Count + fold.Files.Count
                    + fold.Routes.Count;
        }

        public async Task CopyAsync(NpgsqlConnection conn, CancellationToken ct)
        {
            if (folds.Count == 0) return;
            await CopyAsync(conn, $"{PortfolioRows.Agreements}{Next} (agreement_id, title, parties, summary, tags, opened, opened_at)",
                folds.SelectMany(f => f.Agreements), (w, r) =>
                {
                    w.Write(r.AgreementId, NpgsqlDbType.Text);
                    w.Write(r.Title, NpgsqlDbType.Text);
                    w.Write(r.Parties, NpgsqlDbType.Array | NpgsqlDbType.Text);
                    Text(w, r.Summary);
                    w.Write(r.Tags, NpgsqlDbType.Array | NpgsqlDbType.Text);
                    w.Write(r.OpenedJson, NpgsqlDbType.Jsonb);
                    w.Write(r.OpenedAt, NpgsqlDbType.TimestampTz);
                }, ct);
            await CopyAsync(conn, $"{PortfolioRows.Status}{Next} (agreement_id, ordinal, commitment_id, known_from, known_to, " +
                                  "valid_from, valid_to, category, stage, contested, status)",
                folds.SelectMany(f => f.Status), (w, r) =>
                {
                    w.Write(r.Row.AgreementId, NpgsqlDbType.Text);
                    w.Write(r.Row.Ordinal, NpgsqlDbType.Bigint);
                    w.Write(r.Row.CommitmentId, NpgsqlDbType.Text);
                    w.Write(r.Row.KnownFrom, NpgsqlDbType.TimestampTz);
                    w.Write(r.KnownTo ?? DateTimeOffset.MaxValue, NpgsqlDbType.TimestampTz);
                    w.Write(r.Row.ValidFrom, NpgsqlDbType.Date);
                    w.Write(r.Row.ValidTo, NpgsqlDbType.Date);
                    w.Write(r.Row.Category, NpgsqlDbType.Text);
                    Text(w, r.Row.Stage);
                    w.Write(r.Row.Contested, NpgsqlDbType.Boolean);
                    w.Write(r.Row.Json, NpgsqlDbType.Jsonb);
                }, ct);
            await CopyAsync(conn, $"{PortfolioRows.Now}{Next} (agreement_id, ordinal, category, stage, contested)",
                folds.SelectMany(f => f.Now), (w, r) =>
                {
                    w.Write(r.AgreementId, NpgsqlDbType.Text);
                    w.Write(r.Ordinal, NpgsqlDbType.Bigint);
                    w.Write(r.Category, NpgsqlDbType.Text);
                    Text(w, r.Stage);
                    w.Write(r.Contested, NpgsqlDbType.Boolean);
                }, ct);
            await CopyAsync(conn, $"{PortfolioRows.Transitions}{Next} (agreement_id, ordinal, seq, known_from, known_to, said_key, said_end, change)",
                folds.SelectMany(f => f.Transitions), (w, r) =>
                {
                    w.Write(r.Row.AgreementId, NpgsqlDbType.Text);
                    w.Write(r.Row.Ordinal, NpgsqlDbType.Bigint);
                    w.Write(r.Row.Seq, NpgsqlDbType.Integer);
                    w.Write(r.Row.KnownFrom, NpgsqlDbType.TimestampTz);
                    w.Write(r.KnownTo ?? DateTimeOffset.MaxValue, NpgsqlDbType.TimestampTz);
                    w.Write(r.Row.SaidKey, NpgsqlDbType.Integer);
                    w.Write(r.Row.SaidEnd, NpgsqlDbType.Date);
                    w.Write(r.Row.Json, NpgsqlDbType.Jsonb);
                }, ct);
            await CopyAsync(conn, $"{PortfolioRows.Statements}{Next} (agreement_id, statement_id, known_from, known_to, said_key, said_end, retracted)",
                folds.SelectMany(f => f.Statements), (w, r) =>
                {
                    w.Write(r.Row.AgreementId, NpgsqlDbType.Text);
                    w.Write(r.Row.StatementId, NpgsqlDbType.Uuid);
                    w.Write(r.Row.KnownFrom, NpgsqlDbType.TimestampTz);
                    w.Write(r.KnownTo ?? DateTimeOffset.MaxValue, NpgsqlDbType.TimestampTz);
                    w.Write(r.Row.SaidKey, NpgsqlDbType.Integer);
                    w.Write(r.Row.SaidEnd, NpgsqlDbType.Date);
                    w.Write(r.Row.Retracted, NpgsqlDbType.Boolean);
                }, ct);
            await CopyAsync(conn, $"{PortfolioRows.Facts}{Next} (commitment_key, statement_id, facts)", facts, (w, r) =>
                {
                    w.Write(r.File, NpgsqlDbType.Text);
                    w.Write(r.Statement, NpgsqlDbType.Uuid);
                    w.Write(r.Json, NpgsqlDbType.Json);
                }, ct);
            await CopyAsync(conn, $"{FileTable}{Next} (id, data, mt_dotnet_type)", files, (w, d) =>
            {
                w.Write(d.Id, NpgsqlDbType.Varchar);
                w.Write(d.Json, NpgsqlDbType.Jsonb);
                w.Write(typeof(CommitmentFile).FullName!, NpgsqlDbType.Varchar);
            }, ct);
            await CopyAsync(conn, $"{RouteTable}{Next} (id, data, mt_dotnet_type)", routes, (w, d) =>
            {
                w.Write(d.Id, NpgsqlDbType.Varchar);
                w.Write(d.Json, NpgsqlDbType.Jsonb);
                w.Write(typeof(StatementRoute).FullName!, NpgsqlDbType.Varchar);
            }, ct);
            folds.Clear();
            facts.Clear();
            files.Clear();
            routes.Clear();
            Rows = 0;
        }

        private static void Text(NpgsqlBinaryImporter w, string? value)
        {
            if (value is null) w.WriteNull();
            else w.Write(value, NpgsqlDbType.Text);
        }

        private static async Task CopyAsync<T>(NpgsqlConnection conn, string target, IEnumerable<T> rows,
            Action<NpgsqlBinaryImporter, T> write, CancellationToken ct)
        {
            await using var importer = await conn.BeginBinaryImportAsync($"copy {target} from stdin (format binary)", ct);
            foreach (var row in rows)
            {
                await importer.StartRowAsync(ct);
                write(importer, row);
            }
            await importer.CompleteAsync(ct);
        }
    }
}
