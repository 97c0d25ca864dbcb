using JasperFx;
using Spectre.Console;
using Tracker.Infrastructure;
using Tracker.Infrastructure.Database;

// Settings and seeds ship beside the executable, wherever it is started from.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });

// The command line's own chatter (command discovery, tables, progress) goes to stderr, so that a verb's output
// on stdout -- a report, an export -- can be piped into a file intact.
AnsiConsole.Console = AnsiConsole.Create(new AnsiConsoleSettings
{
    Out = new AnsiConsoleOutput(new Tracker.Cli.DiscoveryChatterFilter(Console.Error)),
    // Through a filter Spectre cannot see whether stderr is a terminal; colour only when it is one.
    Ansi = Console.IsErrorRedirected ? AnsiSupport.No : AnsiSupport.Detect,
    ColorSystem = Console.IsErrorRedirected ? ColorSystemSupport.NoColors : ColorSystemSupport.Detect,
});

// Tracker's own overview; 'help VERB' and everything else goes to the framework's command line below.
if (Tracker.Cli.TrackerHelp.IsHelp(args)) return Tracker.Cli.TrackerHelp.Write(Console.Out);

TrackerDatabase database;
try
{
    database = args.Length > 0 && TrackerDatabase.OfflineVerbs.Contains(args[0])
        ? TrackerDatabase.Offline()
        : await TrackerDatabase.ResolveAsync(builder.Configuration, Console.Error.WriteLine);
}
catch (PostgresNotAvailableException e)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}

await using (database)
{
    // A rebuild empties what a serving instance reads: never while one serves (see ServingLease).
    System.Data.Common.DbConnection? rebuilding = null;
    if (ServingLease.IsRebuild(args))
    {
        (rebuilding, var serving) = await ServingLease.TakeForRebuildAsync(database.ConnectionString);
        if (rebuilding is null)
        {
            Console.Error.WriteLine($"projections rebuild: {serving} Tracker instance(s) are serving this database; "
                                    + "stop them first (a rebuild empties what they read). Nothing was rebuilt. The portfolio alone "
                                    + "can be rebuilt while they serve: 'portfolio rebuild'.");
            return 1;
        }
        await InlineProjectionBackfill.RebuildStartingAsync(database.ConnectionString, Console.Error.WriteLine);
        // The framework gives each projection 5 minutes to replay the whole log, then cancels it half-done: at a
        // million events the portfolio alone takes longer. Unless the operator says otherwise, allow half a day.
        if (!args.Any(a => a.StartsWith("--shard-timeout", StringComparison.OrdinalIgnoreCase))) args = [.. args, "--shard-timeout", "12h"];
        // Emptying and refilling a large store's tables takes statements far longer than a request's 30 s.
        builder.Configuration[TrackerHost.CommandTimeoutSetting] ??= "3600";
    }
    await using var _ = rebuilding;

    builder.AddTracker(database);
    Tracker.Sources.Sources.AddSources(builder.Services, builder.Configuration);
    Tracker.Cli.StandardOutput.ReserveForData(builder, args);
    var app = builder.Build();
    Tracker.Sources.Sources.UseSources(app);
    app.UseTracker();
    var exit = await app.RunJasperFxCommands(args);
    if (rebuilding is not null && exit == 0) await InlineProjectionBackfill.RebuildFinishedAsync(database.ConnectionString);
    return exit;
}

/// <summary>Entry point, visible to the test host.</summary>
public partial class Program;
