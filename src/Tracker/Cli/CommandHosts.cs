using Tracker.Infrastructure.Database;

namespace Tracker.Cli;

public static class CommandHosts
{
    /// <summary>A host for a verb: the schema brought up to date, nothing else started (no web server, no daemon), inline projections caught up.</summary>
    public static async Task<IHost> StartedForCommandAsync(this IHost host)
    {
        var database = host.Services.GetRequiredService<TrackerDatabase>();
        await InlineProjectionBackfill.BringStoreUpToDateAsync(host.Services.GetRequiredService<Marten.IDocumentStore>(),
            database.ConnectionString, Console.Error.WriteLine);
        return host;
    }
}
