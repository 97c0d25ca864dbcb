using Microsoft.Extensions.Configuration;
using Npgsql;

namespace Tracker.Infrastructure.Database;

/// <summary>
/// Where reads across agreements go (status and changes reports, the agreement list, statement search): to a
/// streaming replica when one is configured (<see cref="Setting"/>), else to the primary like everything else.
/// Such a read may lag the latest write by the standby's replay delay (milliseconds on a healthy network); every
/// read runs in one snapshot, and a standby's snapshot is as consistent as the primary's, only older.
/// What must see the reader's own writes stays on <see cref="Primary"/>: writes, Marten's sessions (an agreement,
/// its statements, the audit trail), the watchlist and the feeds built on it, and the check that a named agreement
/// exists (a client that has just opened one must not be told it does not).
/// </summary>
public sealed class ReportDataSource : IAsyncDisposable
{
    /// <summary>Comma-separated <c>host[:port]</c> of standbys, same database and credentials as the primary.</summary>
    public const string Setting = "TRACKER_DB_REPLICAS";
    public const string ConfigurationKey = "Tracker:Database:Replicas";

    private readonly bool _owned;

    /// <summary>Reads that may lag: a standby when one is up, else the primary (Npgsql falls back by itself).</summary>
    public NpgsqlDataSource DataSource { get; }

    public NpgsqlDataSource Primary { get; }

    /// <summary>The standbys preferred for report reads, as configured; empty when there are none.</summary>
    public IReadOnlyList<string> Standbys { get; }

    private ReportDataSource(NpgsqlDataSource reports, NpgsqlDataSource primary, IReadOnlyList<string> standbys, bool owned)
    {
        DataSource = reports;
        Primary = primary;
        Standbys = standbys;
        _owned = owned;
    }

    /// <summary>Everything on the one database: today's behaviour, and the tests' default.</summary>
    public static ReportDataSource PrimaryOnly(NpgsqlDataSource primary) => new(primary, primary, [], owned: false);

    public static ReportDataSource Create(string primaryConnectionString, NpgsqlDataSource primary, IConfiguration configuration)
    {
        var configured = configuration[Setting] is { Length: > 0 } env ? env : configuration[ConfigurationKey];
        var standbys = (configured ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (standbys.Length == 0) return PrimaryOnly(primary);

        var builder = new NpgsqlConnectionStringBuilder(primaryConnectionString);
        // The primary is listed last: with no standby reachable, reports are still answered (PreferStandby). A standby
        // named without a port has the primary's.
        builder.Host = string.Join(',', standbys.Append(builder.Host));
        // Several standbys share the load; a DBA sees report connections by their name in pg_stat_activity.
        builder.LoadBalanceHosts = standbys.Length > 1;
        builder.ApplicationName = $"{builder.ApplicationName ?? "tracker"} (reports)";
        var reports = new NpgsqlDataSourceBuilder(builder.ConnectionString).BuildMultiHost()
            .WithTargetSession(TargetSessionAttributes.PreferStandby);
        return new ReportDataSource(reports, primary, standbys, owned: true);
    }

    public ValueTask DisposeAsync() => _owned ? DataSource.DisposeAsync() : ValueTask.CompletedTask;
}
