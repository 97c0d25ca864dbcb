using Microsoft.Extensions.Logging.Console;
using Spectre.Console;

namespace Tracker.Cli;

/// <summary>
/// Keeps standard output for a verb's data. JasperFx prints its own lines ("Searching '…' for commands") to standard
/// output on every run, and console logging goes there too; for <c>report</c>, whose output is the report itself
/// (<c>tracker report status --format csv &gt; portfolio.csv</c>), both go to standard error instead.
/// </summary>
public static class StandardOutput
{
    private static readonly HashSet<string> DataVerbs = new(StringComparer.OrdinalIgnoreCase) { "report" };

    public static void ReserveForData(WebApplicationBuilder builder, string[] args)
    {
        if (args.Length == 0 || !DataVerbs.Contains(args[0])) return;
        AnsiConsole.Console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        builder.Services.Configure<ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
    }
}
