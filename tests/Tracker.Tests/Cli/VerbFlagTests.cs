using JasperFx.CommandLine;
using JasperFx.CommandLine.Parsing;
using Tracker.Cli;
using Tracker.Tests.Support;

namespace Tracker.Tests.Cli;

/// <summary>Every flag of every Tracker verb, as the framework's parser reads them, inherited ones included.</summary>
public class VerbFlagTests
{
    private static Type InputOf(Type command)
    {
        for (var t = command; t is not null; t = t.BaseType)
            if (t.IsGenericType && (t.GetGenericTypeDefinition() == typeof(JasperFxAsyncCommand<>) || t.GetGenericTypeDefinition() == typeof(JasperFxCommand<>)))
                return t.GetGenericArguments()[0];
        throw new InvalidOperationException($"{command} is not a command");
    }

    public static IEnumerable<object[]> Verbs() =>
        TrackerHelp.TrackerCommands().Select(t => new object[] { CommandFactory.CommandNameFor(t), t });

    private static List<FlagAliases> FlagsOf(Type command) => InputParser.GetHandlers(InputOf(command))
        .Where(h => h.GetType().Name.Contains("Flag") && !h.GetType().Name.Contains("Dictionary"))
        .Select(h => InputParser.ToFlagAliases(((TokenHandlerBase)h).Member!))
        .ToList();

    [Theory]
    [MemberData(nameof(Verbs))]
    public void no_two_flags_of_a_verb_share_a_short_or_a_long_form(string verb, Type command)
    {
        var flags = FlagsOf(command);
        var shortForms = flags.Where(f => !f.LongFormOnly).GroupBy(f => f.ShortForm).Where(g => g.Count() > 1)
            .Select(g => $"{g.Key}: {string.Join(", ", g.Select(f => f.LongForm))}").ToList();
        shortForms.ShouldBeEmpty($"'{verb}' gives one short flag to several long ones");
        flags.GroupBy(f => f.LongForm).Where(g => g.Count() > 1).Select(g => g.Key).ShouldBeEmpty(verb);
    }

    [Fact]
    public void every_tracker_verb_is_checked_and_the_report_verbs_letters_mean_what_they_say()
    {
        Verbs().Select(v => (string)v[0]).ShouldBe(
            ["actors", "add-commitment", "audit", "checkpoint", "correct", "digest", "export", "feed", "history", "import", "migrate", "migrations-new", "open", "people", "portfolio", "record", "sources",
             "report", "retract", "review", "users", "verify"], ignoreOrder: true);
        var report = FlagsOf(typeof(ReportCommand)).Where(f => !f.LongFormOnly).ToDictionary(f => f.ShortForm, f => f.LongForm);
        report["-f"].ShouldBe("--format");
        report["-a"].ShouldBe("--agreement");
        report["-c"].ShouldBe("--category");
    }

    [Fact]
    public void help_explains_every_tracker_verb()
    {
        var explained = TrackerHelp.Groups.SelectMany(g => g.Verbs).Select(v => v.Verb).ToHashSet();
        Verbs().Select(v => (string)v[0]).Where(v => !explained.Contains(v)).ShouldBeEmpty("verbs missing from 'help'");
    }

    [Fact]
    public async Task help_lists_trackers_verbs_in_words_before_the_frameworks_tools()
    {
        var run = await TrackerProcess.RunAsync(new Dictionary<string, string?>(), "help");

        run.ExitCode.ShouldBe(0, run.ToString());
        var output = run.Output;
        var framework = output.IndexOf("Framework tools", StringComparison.Ordinal);
        framework.ShouldBeGreaterThan(0, output);
        foreach (var verb in new[] { "open", "add-commitment", "record", "correct", "retract", "import", "report", "history", "audit", "feed", "users", "run" })
        {
            var at = output.IndexOf($"\n  {verb} ", StringComparison.Ordinal);
            at.ShouldBeGreaterThan(0, $"'{verb}' is not listed with its explanation:\n{output}");
            at.ShouldBeLessThan(framework, $"'{verb}' comes after the framework's tools");
        }
        output.IndexOf("db-apply", StringComparison.Ordinal).ShouldBeGreaterThan(framework);
        output.ShouldContain("Record what someone said about a commitment");
    }
}
