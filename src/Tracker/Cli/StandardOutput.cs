using Microsoft.Extensions.Logging.Console;

namespace Tracker.Cli;

/// <summary>
/// Keeps standard output for a verb's data. The command line's own chatter already goes to standard error (see
/// Program); console logging would still go to standard output, so for the verbs whose output is data
/// (<c>tracker report status --format csv &gt; portfolio.csv</c>) it goes to standard error too.
/// </summary>
public static class StandardOutput
{
    private static readonly HashSet<string> DataVerbs = new(StringComparer.OrdinalIgnoreCase) { "report", "export", "history", "audit", "feed" };

    public static void ReserveForData(WebApplicationBuilder builder, string[] args)
    {
        if (args.Length == 0 || !DataVerbs.Contains(args[0])) return;
        builder.Services.Configure<ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
    }
}
