using System.Diagnostics;
using System.Text.RegularExpressions;
using Tracker.Tests.Support;

namespace Tracker.Tests.Product;

/// <summary>
/// A newcomer with nothing but the .NET SDK runs the README's two commands; CI runs the second of them and nothing
/// else, so what CI proves is what the README promises. The set-up they share installs what is missing and is
/// silent, and changes nothing, once everything is there.
/// </summary>
public partial class QuickStartTests
{
    private static string Root => TrackerProcess.RepositoryRoot;

    /// <summary>The commands in the quick start's first code block, without their comments.</summary>
    private static List<string> QuickStartCommands()
    {
        var readme = File.ReadAllText(Path.Combine(Root, "README.md"));
        var section = readme[readme.IndexOf("## Quick start", StringComparison.Ordinal)..];
        var block = CodeBlock().Match(section);
        block.Success.ShouldBeTrue("the quick start shows its commands in a code block");
        return Commands(block.Groups[1].Value);
    }

    /// <summary>Each line that runs something: comments, blank lines and the shell's own options left out.</summary>
    private static List<string> Commands(string script) =>
        script.Split('\n').Select(l => Regex.Replace(l, @"\s+#.*$|^\s*#.*$", "").Trim())
            .Where(l => l.Length > 0 && !l.StartsWith("set ", StringComparison.Ordinal)).ToList();

    [Fact]
    public void the_quick_start_is_two_commands_and_ci_runs_the_second_and_nothing_else()
    {
        var commands = QuickStartCommands();
        commands.ShouldBe(["./tracker run", "./tracker test"]);

        var ci = Commands(File.ReadAllText(Path.Combine(Root, ".ci", "run")));
        // .ci/run starts from the repository root, as the README's reader does.
        ci.ShouldBe(["cd \"$(dirname \"$0\")/..\"", commands[1]]);
    }

    [Fact]
    public async Task the_set_up_says_nothing_and_changes_nothing_when_everything_is_there()
    {
        // The first may install what this machine lacks (as ./tracker test did before this suite ran); the second finds it all.
        foreach (var command in new[] { "run", "test" })
        {
            var first = await SetupAsync(command);
            first.Exit.ShouldBe(0, first.Output);
            var again = await SetupAsync(command);
            again.Exit.ShouldBe(0, again.Output);
            again.Output.ShouldBeEmpty($"'./tracker setup {command}' found everything there, and should say nothing");
        }
        File.Exists(Path.Combine(Root, "tools", "openapi-lint", "node_modules", ".bin", "redocly")).ShouldBeTrue();
        File.Exists(Tracker.Tests.Workbench.Browser.ChromiumPath).ShouldBeTrue();
    }

    [Fact]
    public async Task docker_compose_yml_is_a_valid_compose_file()
    {
        var check = await RunAsync("docker-compose", "config", "-q");
        check.Exit.ShouldBe(0, check.Output);
    }

    private static Task<(int Exit, string Output)> SetupAsync(string command) => RunAsync(Path.Combine(Root, "tracker"), "setup", command);

    private static async Task<(int Exit, string Output)> RunAsync(string program, params string[] args)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Root };
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, (await stdout) + (await stderr));
    }

    [GeneratedRegex(@"```sh\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex CodeBlock();
}
