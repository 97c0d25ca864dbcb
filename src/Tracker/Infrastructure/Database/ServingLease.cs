using Npgsql;

namespace Tracker.Infrastructure.Database;

/// <summary>
/// Serving and rebuilding projections exclude each other. A rebuild empties the documents and tables a service reads
/// from and refills them, so a service serving meanwhile would answer 404 for agreements that exist, and its own
/// appends would race the rebuild. Every serving instance holds this shared advisory lock for as long as it runs;
/// <c>projections rebuild</c> takes it exclusively or refuses, saying how many instances serve; an instance that
/// starts while a rebuild runs waits for it to finish before it serves.
/// </summary>
internal sealed class ServingLease(TrackerDatabase database, ILogger<ServingLease> logger) : IHostedService, IAsyncDisposable
{
    internal const long Key = Migrations.AdvisoryLockKey + 2;
    private static readonly TimeSpan CheckEvery = TimeSpan.FromSeconds(2);

    private NpgsqlConnection? connection;
    private CancellationTokenSource? stopping;
    private Task? keeping;

    public async Task StartAsync(CancellationToken ct)
    {
        connection = await TakeAsync(ct);
        stopping = new CancellationTokenSource();
        keeping = KeepAsync(stopping.Token);
    }

    private async Task<NpgsqlConnection> TakeAsync(CancellationToken ct)
    {
        var conn = await OpenAsync(database.ConnectionString, ct);
        if (!await ScalarAsync<bool>(conn, $"select pg_try_advisory_lock_shared({Key})", ct))
        {
            logger.LogWarning("A projection rebuild is running on this database; waiting for it to finish before serving…");
            await ScalarAsync<object>(conn, $"select pg_advisory_lock_shared({Key})", ct, timeoutSeconds: 0); // as long as it takes
            logger.LogInformation("The rebuild has finished; serving.");
        }
        return conn;
    }

    /// <summary>The lock lives as long as its connection: if the database server restarted, it is taken again.</summary>
    private async Task KeepAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(CheckEvery, ct);
                await ScalarAsync<int>(connection!, "select 1", ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested) { return; }
            catch (Exception e) when (e is NpgsqlException or InvalidOperationException or System.Net.Sockets.SocketException)
            {
                try
                {
                    await connection!.DisposeAsync();
                    connection = await TakeAsync(ct);
                }
                catch (Exception again) when (again is NpgsqlException or System.Net.Sockets.SocketException)
                {
                    // The server is still down; the supervisor is restarting it. Try again at the next check.
                }
            }
        }
    }

    public Task StopAsync(CancellationToken ct) => DisposeAsync().AsTask();

    /// <summary>Idempotent: the host stops it, and the container may dispose it after.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref stopping, null) is { } cancel)
        {
            await cancel.CancelAsync();
            if (keeping is not null) await keeping;
            cancel.Dispose();
        }
        if (Interlocked.Exchange(ref connection, null) is { } held) await held.DisposeAsync();
    }

    /// <summary>Whether a command line rebuilds projections (<c>projections rebuild …</c> or <c>--rebuild</c>).</summary>
    public static bool IsRebuild(string[] args) =>
        args.Length > 0 && args[0].Equals("projections", StringComparison.OrdinalIgnoreCase)
        && args.Skip(1).Any(a => a.Equals("rebuild", StringComparison.OrdinalIgnoreCase)
                                 || a.Equals("--rebuild", StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// The lock held exclusively for a rebuild, on a connection to keep open until it ends; or null and how many
    /// instances are serving.
    /// </summary>
    public static async Task<(NpgsqlConnection? Held, long Serving)> TakeForRebuildAsync(string connectionString,
        CancellationToken ct = default)
    {
        var conn = await OpenAsync(connectionString, ct);
        if (await ScalarAsync<bool>(conn, $"select pg_try_advisory_lock({Key})", ct)) return (conn, 0);
        // A bigint key shows in pg_locks as its high and low halves; advisory locks belong to one database.
        var serving = await ScalarAsync<long>(conn, $"""
            select count(*) from pg_locks where locktype = 'advisory' and granted and mode = 'ShareLock'
              and database = (select oid from pg_database where datname = current_database())
              and classid = {Key >> 32} and objid = {Key & 0xFFFF_FFFF} and objsubid = 1
            """, ct);
        await conn.DisposeAsync();
        return (null, serving);
    }

    /// <summary>Unpooled: a pooled connection returned to the pool would be reset, and the lock with it.</summary>
    private static async Task<NpgsqlConnection> OpenAsync(string connectionString, CancellationToken ct)
    {
        var conn = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString)
        {
            Pooling = false,
            ApplicationName = "tracker serving lease",
        }.ConnectionString);
        await conn.OpenAsync(ct);
        return conn;
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlConnection conn, string sql, CancellationToken ct, int timeoutSeconds = 30)
    {
        await using var cmd = new NpgsqlCommand(sql, conn) { CommandTimeout = timeoutSeconds };
        return (T)(await cmd.ExecuteScalarAsync(ct))!;
    }
}
