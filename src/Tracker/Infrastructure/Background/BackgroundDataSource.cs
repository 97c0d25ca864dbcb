using Npgsql;

namespace Tracker.Infrastructure.Background;

/// <summary>
/// The connections background work (webhook deliveries, source captures) uses: the service's database, without
/// automatic preparation. Their tables go from empty to tens of thousands of pending rows within a burst, and a plan
/// PostgreSQL cached for a prepared statement while such a table was nearly empty stays on the connection: the webhook
/// answers' batch update was measured taking seconds, walking every pending delivery for each answer of the batch,
/// on a plan made when there were none. Unprepared, each statement is planned for the table as it is; these statements
/// are few (one per batch), so planning them again costs little.
/// </summary>
public sealed class BackgroundDataSource(NpgsqlDataSource dataSource) : IAsyncDisposable
{
    public NpgsqlDataSource DataSource { get; } = dataSource;

    public static BackgroundDataSource Create(string connectionString) =>
        new(NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(connectionString) { MaxAutoPrepare = 0 }.ConnectionString));

    public ValueTask DisposeAsync() => DataSource.DisposeAsync();
}
