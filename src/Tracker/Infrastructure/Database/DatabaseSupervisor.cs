using Npgsql;

namespace Tracker.Infrastructure.Database;

/// <summary>What the supervisor last saw of the embedded server; <see cref="Health.HealthEndpoint"/> reports it.</summary>
public sealed class DatabaseSupervision
{
    private volatile string? _problem;

    /// <summary>Null while the server runs; otherwise what is happening, in words for an operator.</summary>
    public string? Problem => _problem;

    internal void Report(string? problem) => _problem = problem;
}

/// <summary>
/// Watches the embedded PostgreSQL server and starts it again when its process dies (killed, out of memory),
/// backing off between attempts, so the service serves again without being restarted itself. A configured server
/// (<c>TRACKER_DB</c>) is someone else's to supervise.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal sealed class DatabaseSupervisor(
    TrackerDatabase database, DatabaseSupervision supervision, NpgsqlDataSource dataSource, ILogger<DatabaseSupervisor> logger)
    : BackgroundService
{
    private static readonly TimeSpan CheckEvery = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken stopping)
    {
        if (database.Embedded is not { } server) return;
        try
        {
            while (!stopping.IsCancellationRequested)
            {
                await Task.Delay(CheckEvery, stopping);
                if (!server.IsServerAlive()) await RestartAsync(server, stopping);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
    }

    private async Task RestartAsync(EmbeddedPostgres server, CancellationToken stopping)
    {
        var started = DateTime.UtcNow;
        logger.LogError("The embedded PostgreSQL server for {DataDirectory} has stopped; restarting it", server.DataDirectory);
        var backoff = TimeSpan.FromMilliseconds(250);
        for (var attempt = 1; ; attempt++)
        {
            supervision.Report($"database server stopped; restarting it (attempt {attempt})");
            var failure = await server.RestartAsync(stopping);
            if (failure is null) break;
            logger.LogWarning("Restart attempt {Attempt} failed ({Failure}); next in {Seconds:0.##} s", attempt, failure, backoff.TotalSeconds);
            supervision.Report($"database server stopped; restart attempt {attempt} failed, next in {backoff.TotalSeconds:0.##} s");
            await Task.Delay(backoff, stopping);
            backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
        }
        // Pooled connections still point at the dead server: drop them rather than fail one request each.
        dataSource.Clear();
        supervision.Report(null);
        logger.LogWarning("The embedded PostgreSQL server is running again ({Seconds:0.0} s after it stopped)",
            (DateTime.UtcNow - started).TotalSeconds);
    }
}
