using System.Reflection;
using System.Text;
using JasperFx.CommandLine;

namespace Tracker.Cli;

/// <summary>
/// `tracker help`: Tracker's own verbs first, grouped by what an analyst or operator does with them and explained in
/// words, then the framework's tools (JasperFx, Marten, Wolverine) by name. `help VERB` is still the framework's
/// screen with the verb's flags.
/// </summary>
public static class TrackerHelp
{
    /// <summary>Tracker's verbs by group, in the order shown. Framework verbs Tracker relies on carry Tracker's words.</summary>
    public static readonly IReadOnlyList<(string Group, IReadOnlyList<(string Verb, string? Words)> Verbs)> Groups =
    [
        ("Recording (analysts; every event is recorded as --user, default cli:<OS user>)",
        [
            ("open", null), ("add-commitment", null), ("record", null), ("correct", null), ("retract", null), ("review", null),
            ("import", null), ("actors", null), ("people", null),
        ]),
        ("Reading", [("report", null), ("history", null), ("audit", null), ("feed", null), ("export", null)]),
        ("Operating",
        [
            ("run", "Serve the API and the workbench (the default when no verb is given)"),
            ("users", null), ("digest", null), ("sources", null), ("verify", null), ("checkpoint", null), ("migrate", null), ("migrations-new", null),
            ("portfolio", null),
            ("projections", "List or rebuild projections, e.g. 'projections rebuild -p AuditTrail' (stops nothing only for " +
                            "the portfolio: 'portfolio rebuild' rebuilds it while the service serves)"),
            ("codegen", "Pre-generate Wolverine's handler code: 'codegen write', or 'codegen test' to check it compiles"),
            ("openapi", "Write the OpenAPI document, e.g. 'openapi -o openapi.json' (no database needed)"),
        ]),
    ];

    public static bool IsHelp(string[] args) => args is ["help" or "?" or "--help" or "-h"];

    public static int Write(TextWriter output)
    {
        var all = AllCommands();
        var text = new StringBuilder();
        text.AppendLine("Usage: tracker VERB [flags]   (from the repository: dotnet run --project src/Tracker --no-launch-profile -- VERB)");
        text.AppendLine("'help VERB' lists a verb's flags. A verb's output goes to standard output, everything else to standard error.");
        var shown = new HashSet<string> { "help" };
        foreach (var (group, verbs) in Groups)
        {
            text.AppendLine().AppendLine(group + ":");
            foreach (var (verb, words) in verbs)
            {
                shown.Add(verb);
                Entry(text, verb, words ?? (all.TryGetValue(verb, out var type) ? CommandFactory.DescriptionFor(type) : ""));
            }
        }
        var framework = all.Keys.Where(k => !shown.Contains(k)).Order(StringComparer.Ordinal).ToList();
        text.AppendLine().AppendLine("Framework tools (JasperFx, Marten, Wolverine; 'help VERB' describes each):");
        Wrap(text, string.Join(", ", framework), "  ", "  ");
        output.Write(text.ToString());
        return 0;
    }

    /// <summary>Every verb the executable answers to, by name.</summary>
    public static IReadOnlyDictionary<string, Type> AllCommands()
    {
        var factory = new CommandFactory();
        factory.RegisterCommands(typeof(CommandFactory).Assembly);
        factory.RegisterCommands(typeof(TrackerHelp).Assembly);
        factory.RegisterCommandsFromExtensionAssemblies();
        return factory.AllCommandTypes().ToDictionary(CommandFactory.CommandNameFor, t => t);
    }

    /// <summary>The commands this assembly defines.</summary>
    public static IEnumerable<Type> TrackerCommands() => typeof(TrackerHelp).Assembly.GetTypes()
        .Where(t => CommandFactory.IsJasperFxCommandType(t) && t.GetCustomAttribute<DescriptionAttribute>() is not null);

    private static void Entry(StringBuilder text, string verb, string words)
    {
        const int column = 18;
        Wrap(text, words, "  " + verb.PadRight(column - 2), new string(' ', column));
    }

    private static void Wrap(StringBuilder text, string words, string first, string rest, int width = 100)
    {
        var line = new StringBuilder(first);
        var empty = true;
        foreach (var word in words.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (!empty && line.Length + 1 + word.Length > width)
            {
                text.AppendLine(line.ToString().TrimEnd());
                line.Clear().Append(rest);
                empty = true;
            }
            if (!empty) line.Append(' ');
            line.Append(word);
            empty = false;
        }
        text.AppendLine(line.ToString().TrimEnd());
    }
}
