using Microsoft.Extensions.Configuration;

namespace Tracker.Infrastructure.Database;

/// <summary>
/// Where Tracker's data lives: a configured server (<c>TRACKER_DB</c> or <c>ConnectionStrings:Tracker</c>),
/// else the product's own embedded cluster, started on demand and persistent between runs.
/// </summary>
public sealed class TrackerDatabase : IAsyncDisposable
{
    public const string DatabaseName = "tracker";

    public string ConnectionString { get; }
    public EmbeddedPostgres? Embedded { get; }

    private TrackerDatabase(string connectionString, EmbeddedPostgres? embedded)
    {
        ConnectionString = connectionString;
        Embedded = embedded;
    }

    public static string? ConfiguredConnectionString(IConfiguration configuration) =>
        NullIfBlank(configuration["TRACKER_DB"]) ?? NullIfBlank(configuration.GetConnectionString("Tracker"));

    /// <summary>Verbs that only inspect or generate code never open a connection: no server is started for them.</summary>
    public static readonly IReadOnlySet<string> OfflineVerbs =
        new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "codegen", "help", "?", "migrations-new", "openapi", "describe" };

    /// <summary>Stands in for a server when a verb never connects.</summary>
    public static TrackerDatabase Offline() => new("Host=127.0.0.1;Port=1;Database=offline;Username=none;Password=none", null);

    public static async Task<TrackerDatabase> ResolveAsync(IConfiguration configuration, Action<string> log,
        CancellationToken ct = default)
    {
        if (ConfiguredConnectionString(configuration) is { } configured)
            return new TrackerDatabase(configured, null);

        if (!OperatingSystem.IsLinux())
            throw new PostgresNotAvailableException(
                "The embedded database runs on Linux only. Point Tracker at a server with TRACKER_DB.");
        var home = NullIfBlank(configuration["TRACKER_HOME"]) ?? NullIfBlank(configuration["Tracker:DataDirectory"])
                   ?? EmbeddedPostgres.DefaultProductDirectory();
        var embedded = await EmbeddedPostgres.StartAsync(home, throwaway: false, log,
            NullIfBlank(configuration["Tracker:PostgresBin"]), ct);
        await embedded.EnsureDatabaseAsync(DatabaseName, ct);
        return new TrackerDatabase(embedded.ConnectionString(DatabaseName), embedded);
    }

    public ValueTask DisposeAsync() =>
        OperatingSystem.IsLinux() && Embedded is not null ? Embedded.DisposeAsync() : ValueTask.CompletedTask;

    private static string? NullIfBlank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s;
}
