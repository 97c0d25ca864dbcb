using System.Diagnostics;
using System.Runtime.Versioning;
using Npgsql;
using Tracker.Infrastructure.Database;

namespace Tracker.Tests.Support;

/// <summary>
/// A throwaway primary (the product's embedded cluster) and a hot standby made from it with <c>pg_basebackup -R</c>,
/// streaming over loopback: what a second machine's replica is, on this one. As root both servers run as 'postgres'.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class ReplicatedCluster : IAsyncDisposable
{
    private readonly string _directory;
    private readonly PostgresBinaries _binaries;

    public EmbeddedPostgres Primary { get; }
    public int StandbyPort { get; }
    private string StandbyDirectory => Path.Combine(_directory, "standby");

    private ReplicatedCluster(string directory, PostgresBinaries binaries, EmbeddedPostgres primary, int standbyPort)
    {
        _directory = directory;
        _binaries = binaries;
        Primary = primary;
        StandbyPort = standbyPort;
    }

    public static async Task<ReplicatedCluster> StartAsync(string database)
    {
        var binaries = PostgresBinaries.Find() ?? throw new InvalidOperationException(PostgresBinaries.HowToInstall);
        var directory = Path.Combine(Path.GetTempPath(), $"tracker-replicated-{Environment.ProcessId}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(directory);
        var primary = await EmbeddedPostgres.StartAsync(Path.Combine(directory, "primary"), throwaway: true);
        var cluster = new ReplicatedCluster(directory, binaries, primary, TrackerProcess.FreePort());
        try
        {
            await primary.EnsureDatabaseAsync(database);
            await cluster.StartStandbyAsync();
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    public string PrimaryConnectionString(string database) => Primary.ConnectionString(database);

    public string StandbyConnectionString(string database) =>
        new NpgsqlConnectionStringBuilder(Primary.ConnectionString(database)) { Port = StandbyPort, Pooling = false }.ConnectionString;

    private async Task StartStandbyAsync()
    {
        // wal_level=replica and max_wal_senders=10 are PostgreSQL 15's defaults; only the replication login is missing.
        await File.AppendAllLinesAsync(Path.Combine(Primary.DataDirectory, "pg_hba.conf"),
            ["host replication all 127.0.0.1/32 scram-sha-256"]);
        await using (var conn = new NpgsqlConnection(Primary.ConnectionString("postgres")))
        {
            await conn.OpenAsync();
            // A throwaway cluster commits without waiting for its WAL flush, and a walsender sends only flushed WAL:
            // the standby would trail by the WAL writer's rounds (~0.5 s), not by what replication costs.
            await using var commit = new NpgsqlCommand("alter system set synchronous_commit = on", conn);
            await commit.ExecuteNonQueryAsync();
            await using var reload = new NpgsqlCommand("select pg_reload_conf()", conn);
            await reload.ExecuteScalarAsync();
        }

        Directory.CreateDirectory(StandbyDirectory);
        File.SetUnixFileMode(StandbyDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        if (EmbeddedPostgres.IsRoot) await RunAsync("chown", asServer: false, "postgres:", StandbyDirectory);
        var primary = new NpgsqlConnectionStringBuilder(Primary.ConnectionString("postgres"));
        // -R writes standby.signal and primary_conninfo (with the password it was given); the slot keeps the WAL the
        // standby has not yet received.
        await RunAsync(Path.Combine(_binaries.Directory, "pg_basebackup"), asServer: true,
            "-h", "127.0.0.1", "-p", primary.Port.ToString(), "-U", primary.Username!, "-D", StandbyDirectory,
            "-R", "-X", "stream", "-c", "fast", "-C", "-S", "tracker_standby");
        await RunAsync(_binaries.PgCtl, asServer: true, "start", "-D", StandbyDirectory, "-w", "-t", "60",
            "-l", Path.Combine(StandbyDirectory, "server.log"), "-o", $"-p {StandbyPort}");
    }

    private async Task RunAsync(string program, bool asServer, params string[] args)
    {
        var psi = new ProcessStartInfo { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (asServer && EmbeddedPostgres.IsRoot)
        {
            psi.FileName = "runuser";
            foreach (var a in new[] { "-u", "postgres", "--", program }) psi.ArgumentList.Add(a);
        }
        else psi.FileName = program;
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["PGPASSWORD"] = new NpgsqlConnectionStringBuilder(Primary.ConnectionString("postgres")).Password;
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        // pg_ctl's server inherits the pipes: wait for the tool, not for the pipes to close.
        await p.WaitForExitAsync();
        if (p.ExitCode != 0)
            throw new InvalidOperationException($"{Path.GetFileName(program)} exit {p.ExitCode}: " +
                                                $"{(stdout.IsCompleted ? stdout.Result : "")}{(stderr.IsCompleted ? stderr.Result : "")}");
    }

    public async ValueTask DisposeAsync()
    {
        if (File.Exists(Path.Combine(StandbyDirectory, "postmaster.pid")))
        {
            try { await RunAsync(_binaries.PgCtl, asServer: true, "stop", "-D", StandbyDirectory, "-m", "immediate", "-w"); }
            catch (InvalidOperationException) { /* already gone */ }
        }
        await Primary.DisposeAsync();
        try { Directory.Delete(_directory, recursive: true); }
        catch (IOException) { /* a leftover temp folder is harmless */ }
    }
}
