using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Npgsql;

namespace Tracker.Infrastructure.Database;

/// <summary>
/// A private PostgreSQL cluster started from the machine's own binaries, for when no server is configured.
/// Layout of <see cref="BaseDirectory"/>: <c>pgdata/</c> (the cluster, owned by the server's OS user),
/// <c>credentials</c> (0600, the superuser password), <c>clients/</c> (one file per Tracker process using it),
/// <c>.lock</c> (serialises start and stop between processes).
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class EmbeddedPostgres : IAsyncDisposable
{
    private const string SuperUser = "tracker";
    private readonly PostgresBinaries _binaries;
    private readonly bool _throwaway;
    private readonly Action<string> _log;
    private readonly string? _serverUser;
    private bool _stopped;

    public string BaseDirectory { get; }
    public string DataDirectory => Path.Combine(BaseDirectory, "pgdata");
    public int Port { get; private set; }
    private string Password { get; set; } = "";

    private EmbeddedPostgres(PostgresBinaries binaries, string baseDirectory, bool throwaway, Action<string> log)
    {
        _binaries = binaries;
        BaseDirectory = Path.GetFullPath(baseDirectory);
        _throwaway = throwaway;
        _log = log;
        // PostgreSQL refuses to run as root; as root we hand the cluster to an unprivileged account.
        _serverUser = IsRoot ? "postgres" : null;
    }

    public static bool IsRoot => OperatingSystem.IsLinux() && geteuid() == 0;

    [DllImport("libc", SetLastError = true)]
    private static extern uint geteuid();

    /// <summary>The default home of the product's own cluster: persistent between runs.</summary>
    public static string DefaultProductDirectory()
    {
        if (IsRoot) return "/var/lib/tracker";
        var xdg = Environment.GetEnvironmentVariable("XDG_DATA_HOME");
        var root = string.IsNullOrEmpty(xdg)
            ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "share")
            : xdg;
        return Path.Combine(root, "tracker");
    }

    /// <summary>
    /// Starts (or joins, when another Tracker process already runs it) the cluster in <paramref name="baseDirectory"/>.
    /// A <paramref name="throwaway"/> cluster is tuned for speed (no fsync) and deleted when disposed.
    /// </summary>
    public static async Task<EmbeddedPostgres> StartAsync(
        string baseDirectory, bool throwaway, Action<string>? log = null, string? binDirectory = null,
        CancellationToken ct = default)
    {
        var binaries = PostgresBinaries.Find(binDirectory)
                       ?? throw new PostgresNotAvailableException(PostgresBinaries.HowToInstall);
        var pg = new EmbeddedPostgres(binaries, baseDirectory, throwaway, log ?? (_ => { }));
        await pg.StartAsync(ct);
        return pg;
    }

    public string ConnectionString(string database) => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = Port,
        Username = SuperUser,
        Password = Password,
        Database = database,
    }.ConnectionString;

    public async Task EnsureDatabaseAsync(string database, CancellationToken ct = default)
    {
        await using var conn = new NpgsqlConnection(ConnectionString("postgres"));
        await conn.OpenAsync(ct);
        await using var exists = new NpgsqlCommand("select 1 from pg_database where datname = $1", conn)
        {
            Parameters = { new() { Value = database } }
        };
        if (await exists.ExecuteScalarAsync(ct) is not null) return;
        try
        {
            await using var create = new NpgsqlCommand($"create database \"{database.Replace("\"", "\"\"")}\"", conn);
            await create.ExecuteNonQueryAsync(ct);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.DuplicateDatabase)
        {
            // Another process created it between our check and our create: that is what we wanted.
        }
    }

    private async Task StartAsync(CancellationToken ct)
    {
        Directory.CreateDirectory(BaseDirectory);
        // Ours alone; when the server runs as another account it may pass through to its data folder, no more.
        File.SetUnixFileMode(BaseDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute |
                                            (_serverUser is null ? 0 : UnixFileMode.GroupExecute | UnixFileMode.OtherExecute));

        await using var _ = await AcquireLockAsync(ct);

        if (!File.Exists(Path.Combine(DataDirectory, "PG_VERSION")))
            await InitialiseAsync(ct);
        Password = (await File.ReadAllTextAsync(CredentialsFile, ct)).Trim();

        if (Server() is { Port: { } port } && await CanConnectAsync(port, ct))
        {
            Port = port;
            _log($"PostgreSQL already running for {DataDirectory} on 127.0.0.1:{Port}; joining it.");
        }
        else
        {
            Port = FreeLoopbackPort();
            var logFile = Path.Combine(DataDirectory, "server.log");
            var result = await RunAsync(_binaries.PgCtl, ct,
                "start", "-D", DataDirectory, "-w", "-t", "60", "-l", logFile, "-o", $"-p {Port}");
            if (result.ExitCode != 0)
                throw new PostgresNotAvailableException(
                    $"PostgreSQL did not start (pg_ctl exit {result.ExitCode}): {result.Output.Trim()}\nServer log: {logFile}\n{Tail(logFile)}");
            _log($"PostgreSQL started for {DataDirectory} on 127.0.0.1:{Port}.");
        }

        Directory.CreateDirectory(ClientsDirectory);
        await File.WriteAllTextAsync(ClientFile(Environment.ProcessId), DateTimeOffset.UtcNow.ToString("O"), ct);
    }

    /// <summary>Created readable by its owner only from the first byte: never a moment with the umask's wider mode.</summary>
    private static async Task WriteSecretAsync(string path, string text, CancellationToken ct)
    {
        File.Delete(path);
        await using var file = new FileStream(path, new FileStreamOptions
        {
            Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        });
        await file.WriteAsync(System.Text.Encoding.UTF8.GetBytes(text), ct);
    }

    private async Task InitialiseAsync(CancellationToken ct)
    {
        // initdb into a scratch folder and rename: a crash half-way never leaves a cluster that looks complete.
        var scratch = Path.Combine(BaseDirectory, $"pgdata.init-{Environment.ProcessId}");
        if (Directory.Exists(scratch)) Directory.Delete(scratch, recursive: true);
        if (Directory.Exists(DataDirectory)) Directory.Delete(DataDirectory, recursive: true);

        var password = Convert.ToHexString(RandomNumberGenerator.GetBytes(24)).ToLowerInvariant();
        await WriteSecretAsync(CredentialsFile, password, ct);

        Directory.CreateDirectory(scratch);
        var pwFile = Path.Combine(BaseDirectory, $".pwfile-{Environment.ProcessId}");
        await WriteSecretAsync(pwFile, password + "\n", ct);
        if (_serverUser is not null)
        {
            await ChownAsync(scratch, ct);
            await ChownAsync(pwFile, ct);
        }

        var init = await RunAsync(_binaries.InitDb, ct,
            "-D", scratch, "-U", SuperUser, "--pwfile", pwFile, "--auth", "scram-sha-256",
            "--encoding", "UTF8", "--locale", "C", "--no-instructions");
        File.Delete(pwFile);
        if (init.ExitCode != 0)
        {
            Directory.Delete(scratch, recursive: true);
            throw new PostgresNotAvailableException($"initdb failed (exit {init.ExitCode}): {init.Output.Trim()}");
        }

        // Loopback TCP with passwords only; no unix socket (its default folder is not ours to write).
        var settings = new List<string>
        {
            "listen_addresses = '127.0.0.1'",
            "unix_socket_directories = ''",
            "max_connections = 200",
        };
        // A throwaway cluster serves a whole test run: many hosts at once, each with its pool, its serving lease and
        // its background loops (webhooks, Wolverine's node agents) holding connections.
        if (_throwaway)
            settings.AddRange(["fsync = off", "synchronous_commit = off", "full_page_writes = off", "max_connections = 500"]);
        await File.AppendAllLinesAsync(Path.Combine(scratch, "postgresql.conf"),
            ["", "# Tracker embedded cluster", .. settings], ct);
        var hba = Path.Combine(scratch, "pg_hba.conf");
        await File.WriteAllLinesAsync(hba, ["host all all 127.0.0.1/32 scram-sha-256"], ct);
        if (_serverUser is not null) await ChownAsync(scratch, ct);

        Directory.Move(scratch, DataDirectory);
        _log($"Created PostgreSQL cluster in {DataDirectory}.");
    }

    /// <summary>Stops the server when no other live Tracker process uses it; deletes a throwaway cluster.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_stopped) return;
        _stopped = true;
        await using (await AcquireLockAsync(CancellationToken.None))
        {
            File.Delete(ClientFile(Environment.ProcessId));
            var others = Directory.Exists(ClientsDirectory)
                ? Directory.GetFiles(ClientsDirectory).Select(Path.GetFileName)
                    .Select(n => int.TryParse(n, out var pid) ? pid : -1)
                    .Where(pid => pid > 0 && pid != Environment.ProcessId)
                    .ToList()
                : [];
            foreach (var dead in others.Where(pid => !Directory.Exists($"/proc/{pid}")))
                File.Delete(ClientFile(dead));

            if (others.Any(pid => Directory.Exists($"/proc/{pid}")))
            {
                _log("PostgreSQL left running: another Tracker process still uses it.");
            }
            else
            {
                var stop = await RunAsync(_binaries.PgCtl, CancellationToken.None,
                    "stop", "-D", DataDirectory, "-m", "fast", "-w", "-t", "60");
                _log(stop.ExitCode == 0 ? "PostgreSQL stopped." : $"pg_ctl stop: {stop.Output.Trim()}");
            }
        }

        if (_throwaway)
        {
            try { Directory.Delete(BaseDirectory, recursive: true); }
            catch (IOException) { /* a leftover temp folder is harmless */ }
        }
    }

    /// <summary>Whether the server process named in postmaster.pid is alive.</summary>
    public bool IsServerAlive() => Server() is not null;

    /// <summary>
    /// Starts the server again after it died, on the port the service's connections already name. Returns null on
    /// success, else why it failed (the caller retries: a dead postmaster's backends take a moment to go, and until
    /// they have, PostgreSQL refuses to start on the same data folder).
    /// </summary>
    public async Task<string?> RestartAsync(CancellationToken ct)
    {
        await using var _ = await AcquireLockAsync(ct);
        if (IsServerAlive() && await CanConnectAsync(Port, ct)) return null; // another Tracker process restarted it
        var logFile = Path.Combine(DataDirectory, "server.log");
        var result = await RunAsync(_binaries.PgCtl, ct,
            "start", "-D", DataDirectory, "-w", "-t", "30", "-l", logFile, "-o", $"-p {Port}");
        return result.ExitCode == 0 ? null : $"pg_ctl exit {result.ExitCode}: {result.Output.Trim()} {Tail(logFile).Split('\n').LastOrDefault()}";
    }

    /// <summary>
    /// The live server named in postmaster.pid (its first line the pid, its fourth the port), or null. A pid file can
    /// outlive its server (kill -9) and its number be reused, so only a postgres process of that pid counts.
    /// </summary>
    private (int Pid, int? Port)? Server()
    {
        try
        {
            var lines = File.ReadLines(Path.Combine(DataDirectory, "postmaster.pid")).Take(4).ToList();
            if (lines.Count == 0 || !int.TryParse(lines[0], out var pid) || !IsPostgres(pid)) return null;
            return (pid, lines.Count >= 4 && int.TryParse(lines[3], out var port) ? port : null);
        }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
    }

    /// <summary>A pid file can outlive its server, and its number be reused by anything: only a postgres counts.</summary>
    internal static bool IsPostgres(int pid)
    {
        try { return File.ReadAllText($"/proc/{pid}/comm").Trim() is "postgres" or "postmaster"; }
        catch (IOException) { return false; }
        catch (UnauthorizedAccessException) { return false; }
    }

    private string CredentialsFile => Path.Combine(BaseDirectory, "credentials");
    private string ClientsDirectory => Path.Combine(BaseDirectory, "clients");
    private string ClientFile(int pid) => Path.Combine(ClientsDirectory, pid.ToString());

    private async Task<bool> CanConnectAsync(int port, CancellationToken ct)
    {
        Port = port;
        try
        {
            await using var conn = new NpgsqlConnection(ConnectionString("postgres"));
            await conn.OpenAsync(ct);
            return true;
        }
        catch (Exception e) when (e is NpgsqlException or SocketException or TimeoutException)
        {
            return false;
        }
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private async Task<IAsyncDisposable> AcquireLockAsync(CancellationToken ct)
    {
        var path = Path.Combine(BaseDirectory, ".lock");
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (true)
        {
            try
            {
                // FileShare.None takes an advisory flock on Linux: one Tracker process at a time starts or stops.
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(100, ct);
            }
        }
    }

    private Task ChownAsync(string path, CancellationToken ct) =>
        RunAsync("chown", ct, asServerUser: false, "-R", $"{_serverUser}:", path).ContinueWith(t =>
        {
            if (t.Result.ExitCode != 0)
                throw new PostgresNotAvailableException(
                    $"Running as root, Tracker gives its cluster to the OS user '{_serverUser}', but chown failed: {t.Result.Output.Trim()}\n" +
                    "Create that user (apt-get install postgresql does) or run Tracker as an ordinary user.");
        }, ct);

    private Task<(int ExitCode, string Output)> RunAsync(string program, CancellationToken ct, params string[] args) =>
        RunAsync(program, ct, asServerUser: true, args);

    private async Task<(int ExitCode, string Output)> RunAsync(
        string program, CancellationToken ct, bool asServerUser, params string[] args)
    {
        var psi = new ProcessStartInfo
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = BaseDirectory,
        };
        if (asServerUser && _serverUser is not null)
        {
            psi.FileName = "runuser";
            foreach (var a in (string[])["-u", _serverUser, "--", program]) psi.ArgumentList.Add(a);
        }
        else
        {
            psi.FileName = program;
        }
        foreach (var a in args) psi.ArgumentList.Add(a);

        using var process = Process.Start(psi) ?? throw new PostgresNotAvailableException($"Could not start {program}.");
        // pg_ctl's server inherits our pipes; read until the tool itself exits, not until the pipes close.
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        var both = Task.WhenAll(stdout, stderr);
        var output = await Task.WhenAny(both, Task.Delay(2000, ct)) == both
            ? stdout.Result + stderr.Result
            : "(output not captured)";
        return (process.ExitCode, output);
    }

    private static string Tail(string file)
    {
        try { return string.Join('\n', File.ReadLines(file).TakeLast(20)); }
        catch (Exception) { return ""; }
    }
}

public sealed class PostgresNotAvailableException(string message) : Exception(message);
