using System.Text;
using Tracker.Reports.Rendering;
using Tracker.Tests.Support;

namespace Tracker.Tests.Reports;

/// <summary>A database of its own with the seed case imported by the real executable, as an operator would.</summary>
public sealed class SeededDatabase : IAsyncLifetime
{
    public Dictionary<string, string?> Environment { get; } = new() { ["ASPNETCORE_ENVIRONMENT"] = "Production" };

    public async Task InitializeAsync()
    {
        // Always a named database: without one the executable would create its own cluster in the user's data folder.
        Environment["TRACKER_DB"] = await TestCluster.NewDatabaseAsync("report");
        var import = await TrackerProcess.RunAsync(Environment, "import", SeedCase.File);
        import.ExitCode.ShouldBe(0, import.ToString());
    }

    public Task DisposeAsync() => Task.CompletedTask;
}

/// <summary>The analyst at a terminal: `tracker report …` prints or saves the report, and says which flag is wrong.</summary>
public class ReportCliTests(SeededDatabase database) : IClassFixture<SeededDatabase>
{
    private Task<TrackerProcess.Result> Tracker(params string[] args) => TrackerProcess.RunAsync(database.Environment, args);

    [Fact]
    public async Task report_status_prints_the_seed_commitments_with_their_stages_as_markdown()
    {
        var run = await Tracker("report", "status", "--format", "md");

        run.ExitCode.ShouldBe(0, run.ToString());
        run.Output.ShouldStartWith("# Status report\n", customMessage: "standard output is the report and nothing else");
        string StageOf(string commitment) =>
            run.Output.Split('\n').Single(l => l.Contains($"(`{commitment}`)")).Split(" | ")[1];
        StageOf("drone-production").ShouldBe("raised");
        StageOf("air-defence-joint-production").ShouldBe("under-examination");
        StageOf("weapons-joint-production").ShouldBe("under-examination");
        run.Output.ShouldContain("| **total** | **3** |");
    }

    [Fact]
    public async Task report_changes_saves_a_csv_file_that_excel_reads_as_utf8()
    {
        var file = Path.Combine(Path.GetTempPath(), $"tracker-changes-{Guid.NewGuid():N}.csv");
        try
        {
            var run = await Tracker("report", "changes", "--from", "2025-06-01", "--to", "2025-06-30", "--format", "csv", "--output", file);

            run.ExitCode.ShouldBe(0, run.ToString());
            run.Output.ShouldBeEmpty("the report went to the file");
            var bytes = await File.ReadAllBytesAsync(file);
            bytes[..3].ShouldBe(Encoding.UTF8.Preamble.ToArray());
            var rows = CsvText.Rows(Encoding.UTF8.GetString(bytes[3..]));
            rows.Select(r => (r["commitment_id"], r["to_stage"])).ShouldBe(
            [
                ("drone-production", "raised"),
                ("air-defence-joint-production", "under-examination"),
                ("weapons-joint-production", "under-examination"),
            ]);
            rows[0]["speaker"].ShouldBe("Rustem Umerov and Sébastien Lecornu");
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task short_flags_mean_one_thing_each_so_report_status_f_csv_prints_csv()
    {
        var run = await Tracker("report", "status", "-f", "csv", "-s", "raised");

        run.ExitCode.ShouldBe(0, run.ToString());
        var rows = CsvText.Rows(run.Output);
        rows.Select(r => r["commitment_id"]).ShouldBe(["drone-production"]);
    }

    [Fact]
    public async Task the_readmes_own_command_line_saves_just_the_report_into_the_file()
    {
        // The line as the README gives it, run from the repository root by a shell, as an analyst would paste it.
        var readme = await File.ReadAllLinesAsync(Path.Combine(TrackerProcess.RepositoryRoot, "README.md"));
        var line = readme.Single(l => l.StartsWith("dotnet run --project src/Tracker", StringComparison.Ordinal)
                                      && l.Contains("report status --format csv > ", StringComparison.Ordinal));
        var target = line[(line.LastIndexOf('>') + 1)..].Trim();
        // The suite has built the project already; building it again while other tests run its output would race.
        var configuration = new DirectoryInfo(Path.GetDirectoryName(TrackerProcess.Dll)!).Parent!.Name;
        var command = line.Replace("dotnet run ", $"dotnet run --no-build -c {configuration} ", StringComparison.Ordinal);
        var folder = Directory.CreateTempSubdirectory("tracker-readme-").FullName;
        try
        {
            var psi = new System.Diagnostics.ProcessStartInfo("bash", ["-c", $"cd {TrackerProcess.RepositoryRoot} && {command.Replace($"> {target}", $"> {folder}/{target}")}"])
            {
                RedirectStandardError = true, UseShellExecute = false,
            };
            psi.Environment.Remove("TRACKER_HOME");
            psi.Environment["TRACKER_DB"] = database.Environment["TRACKER_DB"];
            psi.Environment["DOTNET_NOLOGO"] = "1";
            using var process = System.Diagnostics.Process.Start(psi)!;
            var error = await process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();

            process.ExitCode.ShouldBe(0, error);
            var saved = await File.ReadAllTextAsync(Path.Combine(folder, target));
            saved.ShouldStartWith("agreement_id,agreement_title,", customMessage: $"the file holds only the report; it starts: {saved.Split('\n')[0]}");
            CsvText.Rows(saved).Count.ShouldBe(3);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task the_same_filters_as_the_api_narrow_the_report()
    {
        var run = await Tracker("report", "status", "--stage", "raised", "--format", "json");

        run.ExitCode.ShouldBe(0, run.ToString());
        var report = System.Text.Json.Nodes.JsonNode.Parse(run.Output)!;
        report["rows"]!.AsArray().Select(r => r!["status"]!["commitmentId"]!.ToString()).ShouldBe(["drone-production"]);
        report["filter"]!["stage"]!.ToString().ShouldBe("raised");
    }

    [Fact]
    public async Task a_misspelt_agreement_is_an_error_naming_the_nearest_one_not_an_empty_report()
    {
        var run = await Tracker("report", "status", "--agreement", "ua-fr-defence-industri");

        run.ExitCode.ShouldNotBe(0, run.ToString());
        run.Error.ShouldContain("report status: --agreement: ", Case.Sensitive, run.ToString());
        run.Error.ShouldContain("ua-fr-defence-industry");
        run.Output.ShouldNotContain("# Status report");
    }

    [Fact]
    public async Task the_speaker_filter_keeps_the_commitments_a_speaker_spoke_of()
    {
        var run = await Tracker("report", "status", "--speaker", "umerov", "--format", "json");
        run.ExitCode.ShouldBe(0, run.ToString());
        var rows = System.Text.Json.Nodes.JsonNode.Parse(run.Output)!["rows"]!.AsArray();
        rows.Count.ShouldBeGreaterThan(0);
        foreach (var row in rows)
            row!["statements"]!.AsArray().ShouldContain(s => s!["speaker"]!.GetValue<string>().Contains("Umerov"));

        var none = await Tracker("report", "status", "--speaker", "Hegseth", "--format", "json");
        none.ExitCode.ShouldBe(0, none.ToString());
        System.Text.Json.Nodes.JsonNode.Parse(none.Output)!["rows"]!.AsArray().ShouldBeEmpty();
    }

    [Fact]
    public async Task the_markdown_history_quotes_each_statement_with_its_source_and_id()
    // The seed's article has no address (the source is described, not linked): ReportEvidenceTests checks the links.
    {
        var run = await Tracker("history", "ua-fr-defence-industry/air-defence-joint-production");

        run.ExitCode.ShouldBe(0, run.ToString());
        run.Output.ShouldContain("| Said on | Entry | Stage | Speaker | Words | Source | Statement | Recorded | By | Notes |");
        var statements = run.Output.Split('\n').Where(l => l.Contains("| statement |")).ToList();
        statements.ShouldNotBeEmpty();
        foreach (var line in statements)
        {
            line.ShouldContain("“", customMessage: "the words as said");
            line.ShouldContain("German-language news article (outlet not named in the supplied text) (media-report)");
            line.ShouldContain("`6f1c2b0e-");
        }
    }

    [Theory]
    [InlineData("--as-of", "2025-02-30", "report status: --as-of: '2025-02-30' is not a date (YYYY-MM-DD)")]
    [InlineData("--known-at", "yesterday", "report status: --known-at: 'yesterday' is not an ISO 8601 instant")]
    [InlineData("--format", "pdf", "report status: --format: 'pdf' is not a report format; one of: json, md, csv, html, xlsx")]
    [InlineData("--stage", "ratified", "report status: --stage: 'ratified' is not one of: raised")]
    [InlineData("--from", "2025-06-01", "report status: --from: only applies to 'report changes'")]
    public async Task a_bad_flag_exits_non_zero_naming_the_flag_and_the_reason(string flag, string value, string message)
    {
        var run = await Tracker("report", "status", flag, value);

        run.ExitCode.ShouldNotBe(0, run.ToString());
        run.Error.ShouldContain(message, Case.Sensitive, run.ToString());
        run.Output.ShouldNotContain("# Status report");
    }

    [Fact]
    public async Task an_output_file_in_a_folder_that_does_not_exist_is_refused_before_anything_is_read()
    {
        var run = await Tracker("report", "status", "--output", "/nonexistent-folder/report.md");

        run.ExitCode.ShouldNotBe(0, run.ToString());
        run.Error.ShouldContain("report status: --output: the folder /nonexistent-folder does not exist");
    }

    [Fact]
    public async Task report_changes_without_from_covers_the_30_days_up_to_to()
    {
        var run = await Tracker("report", "changes", "--to", "2025-06-30", "-f", "csv");

        run.ExitCode.ShouldBe(0, run.ToString());
        CsvText.Rows(run.Output).Select(r => r["commitment_id"]).ShouldBe(
            ["drone-production", "air-defence-joint-production", "weapons-joint-production"]);
        var bare = await Tracker("report", "changes");
        bare.ExitCode.ShouldBe(0, bare.ToString());
        bare.Output.ShouldStartWith("# Changes");
    }
}
