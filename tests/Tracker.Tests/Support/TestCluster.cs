using System.Runtime.Versioning;
using Npgsql;
using Tracker.Infrastructure.Database;

namespace Tracker.Tests.Support;

/// <summary>
/// One throwaway PostgreSQL cluster for the whole test run (never the product's), or the server named by
/// TRACKER_TEST_DB for those who bring their own. Each fixture gets a database of its own.
/// </summary>
public static class TestCluster
{
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static EmbeddedPostgres? _embedded;
    private static string? _adminConnectionString;
    private static int _counter;

    public static async Task<string> NewDatabaseAsync(string purpose)
    {
        var admin = await AdminConnectionStringAsync();
        var name = $"t_{purpose}_{Environment.ProcessId}_{Interlocked.Increment(ref _counter)}".ToLowerInvariant();
        await using var conn = new NpgsqlConnection(admin);
        await conn.OpenAsync();
        await using (var cmd = new NpgsqlCommand($"create database \"{name}\"", conn)) await cmd.ExecuteNonQueryAsync();
        return new NpgsqlConnectionStringBuilder(admin) { Database = name, Pooling = true }.ConnectionString;
    }

    private static async Task<string> AdminConnectionStringAsync()
    {
        if (_adminConnectionString is not null) return _adminConnectionString;
        await Gate.WaitAsync();
        try
        {
            if (_adminConnectionString is not null) return _adminConnectionString;
            var external = Environment.GetEnvironmentVariable("TRACKER_TEST_DB");
            if (!string.IsNullOrWhiteSpace(external)) return _adminConnectionString = external;
            if (!OperatingSystem.IsLinux()) throw new PlatformNotSupportedException("Set TRACKER_TEST_DB to a PostgreSQL server.");
            return _adminConnectionString = await StartEmbeddedAsync();
        }
        finally
        {
            Gate.Release();
        }
    }

    [SupportedOSPlatform("linux")]
    private static async Task<string> StartEmbeddedAsync()
    {
        SweepEarlierRuns();
        var dir = Path.Combine(Path.GetTempPath(), $"tracker-tests-{Environment.ProcessId}");
        _embedded = await EmbeddedPostgres.StartAsync(dir, throwaway: true);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => _embedded.DisposeAsync().AsTask().GetAwaiter().GetResult();
        return _embedded.ConnectionString("postgres");
    }

    /// <summary>
    /// The test host may be ended before its exit handler has deleted its cluster (some 180 MB each), so each run
    /// removes what runs whose process is gone left behind, stopping a server that outlived them first.
    /// </summary>
    [SupportedOSPlatform("linux")]
    private static void SweepEarlierRuns()
    {
        foreach (var dir in Directory.GetDirectories(Path.GetTempPath(), "tracker-tests-*"))
        {
            if (!int.TryParse(Path.GetFileName(dir)["tracker-tests-".Length..], out var pid) || Directory.Exists($"/proc/{pid}")) continue;
            try
            {
                var postmaster = Path.Combine(dir, "pgdata", "postmaster.pid");
                if (File.Exists(postmaster) && int.TryParse(File.ReadLines(postmaster).FirstOrDefault(), out var server)
                    && EmbeddedPostgres.IsPostgres(server))
                {
                    using var kill = System.Diagnostics.Process.Start("kill", ["-QUIT", server.ToString()]);
                    kill.WaitForExit();
                    for (var i = 0; i < 50 && EmbeddedPostgres.IsPostgres(server); i++) Thread.Sleep(100);
                }
                Directory.Delete(dir, recursive: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Not ours to remove (another user's run): leave it.
            }
        }
    }
}
