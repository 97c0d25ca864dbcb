namespace Tracker.Infrastructure.Database;

/// <summary>The PostgreSQL server programs installed on this machine (Debian layout first, then PATH).</summary>
public sealed record PostgresBinaries(string Directory)
{
    public string InitDb => Path.Combine(Directory, "initdb");
    public string PgCtl => Path.Combine(Directory, "pg_ctl");

    public const string HowToInstall =
        "No PostgreSQL server programs (initdb, pg_ctl) were found in /usr/lib/postgresql/<version>/bin or on PATH.\n" +
        "Either install them:            sudo apt-get install postgresql   (Debian/Ubuntu)\n" +
        "or point Tracker at a server:    export TRACKER_DB='Host=...;Port=5432;Database=tracker;Username=...;Password=...'\n" +
        "or, with Docker:                 docker compose up -d db   (then TRACKER_DB as printed in README.md)";

    public static PostgresBinaries? Find(string? configured = null)
    {
        if (!string.IsNullOrWhiteSpace(configured))
            return HasServer(configured) ? new PostgresBinaries(configured) : null;

        // Debian installs each major version side by side; the newest wins.
        const string debianRoot = "/usr/lib/postgresql";
        if (System.IO.Directory.Exists(debianRoot))
        {
            var newest = System.IO.Directory.GetDirectories(debianRoot)
                .Select(d => (dir: Path.Combine(d, "bin"), version: int.TryParse(Path.GetFileName(d), out var v) ? v : 0))
                .Where(x => HasServer(x.dir))
                .OrderByDescending(x => x.version)
                .FirstOrDefault();
            if (newest.dir is not null) return new PostgresBinaries(newest.dir);
        }

        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        foreach (var dir in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
            if (HasServer(dir)) return new PostgresBinaries(dir);

        return null;
    }

    private static bool HasServer(string dir) =>
        File.Exists(Path.Combine(dir, "initdb")) && File.Exists(Path.Combine(dir, "pg_ctl"));
}
