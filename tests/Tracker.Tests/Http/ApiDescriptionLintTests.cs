using System.Diagnostics;
using System.Text.Json.Nodes;
using Tracker.Tests.Support;

namespace Tracker.Tests.Http;

/// <summary>
/// The description as a client generator's linter sees it: Redocly's recommended rules (pinned in
/// tools/openapi-lint, installed by <c>./tracker test</c> with <c>npm ci</c>) find no error in the description the service serves.
/// </summary>
[Collection(AppCollection.Name)]
public class ApiDescriptionLintTests(TrackerApp app)
{
    private static readonly string Tools = Path.Combine(TrackerProcess.RepositoryRoot, "tools", "openapi-lint");
    private static readonly string Redocly = Path.Combine(Tools, "node_modules", ".bin", "redocly");

    [Fact]
    public async Task redocly_finds_no_error_in_the_served_description()
    {
        File.Exists(Redocly).ShouldBeTrue(
            $"the linter is not installed: run the suite with './tracker test', which installs it (or './tracker setup test')");
        var description = await new Api(app).Anonymous().Get("/openapi/v1.json");
        var file = Path.Combine(Path.GetTempPath(), $"tracker-openapi-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, description.ToJsonString());
        try
        {
            var (exit, output, messages) = await RunAsync(Redocly, "lint", file, "--format=json");
            var report = JsonNode.Parse(output)!;
            var errors = report["problems"]!.AsArray()
                .Where(p => p!["severity"]!.ToString() == "error")
                .Select(p => $"{p!["ruleId"]}: {p["message"]} at {p["location"]?[0]?["pointer"]}")
                .ToList();
            errors.ShouldBeEmpty(string.Join("\n", errors));
            report["totals"]!["errors"]!.GetValue<int>().ShouldBe(0);
            exit.ShouldBe(0, messages);
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static async Task<(int Exit, string Output, string Messages)> RunAsync(string program, params string[] args)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Tools };
        foreach (var a in args) start.ArgumentList.Add(a);
        // No telemetry and no update check: the lint must not depend on the network.
        start.Environment["REDOCLY_TELEMETRY"] = "off";
        start.Environment["REDOCLY_SUPPRESS_UPDATE_NOTICE"] = "true";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }
}
