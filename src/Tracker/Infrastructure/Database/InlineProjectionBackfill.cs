using Marten;
using Npgsql;
using Tracker.Agreements.Storage;

namespace Tracker.Infrastructure.Database;

/// <summary>
/// Inline projections are written with each append, so they are only ever behind the events when a migration
/// introduced them over existing data. Then they are rebuilt from the events once, before anything reads them.
/// </summary>
public static class InlineProjectionBackfill
{
    public static async Task RunAsync(IDocumentStore store, string connectionString, Action<string> log, CancellationToken ct = default)
    {
        if (!await BehindAsync(connectionString, ct)) return;
        log("Agreement headers and statements are behind the events (a migration introduced them): rebuilding them from the events…");
        using var daemon = await store.BuildProjectionDaemonAsync();
        await daemon.RebuildProjectionAsync("AgreementHeader", TimeSpan.FromMinutes(10), ct);
        await daemon.RebuildProjectionAsync(StatementEntryProjection.ProjectionName, TimeSpan.FromMinutes(10), ct);
        log("Rebuilt.");
    }

    private static async Task<bool> BehindAsync(string connectionString, CancellationToken ct)
    {
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync(ct);
        await using var cmd = new NpgsqlCommand(
            $"select (select count(*) from {TrackerHost.MartenSchema}.mt_streams) > (select count(*) from {TrackerHost.MartenSchema}.mt_doc_agreementheader)", conn);
        return (bool)(await cmd.ExecuteScalarAsync(ct))!;
    }
}
