using System.Globalization;
using System.Text.Json.Nodes;
using Tracker.Tests.Support;

namespace Tracker.Tests.Reports;

/// <summary>
/// The analyst at a terminal saves the seed case's status as a workbook: `tracker report status --format xlsx`, into
/// a file or through a redirect, saying what the CSV says with typed cells; never as bytes sprayed on the terminal.
/// </summary>
public class WorkbookCliTests(SeededDatabase database) : IClassFixture<SeededDatabase>
{
    private Task<TrackerProcess.Result> Tracker(params string[] args) => TrackerProcess.RunAsync(database.Environment, args);

    private async Task<WorkbookFile> SavedAsync(params string[] flags)
    {
        var file = Path.Combine(Path.GetTempPath(), $"tracker-status-{Guid.NewGuid():N}.xlsx");
        try
        {
            var run = await Tracker(["report", "status", "--format", "xlsx", "--output", file, .. flags]);
            run.ExitCode.ShouldBe(0, run.ToString());
            run.Output.ShouldBeEmpty("the workbook went to the file");
            run.Error.ShouldContain($"Wrote {file}.");
            var workbook = WorkbookFile.Read(await File.ReadAllBytesAsync(file));
            workbook.SchemaErrors.ShouldBeEmpty("a file Excel would call damaged");
            return workbook;
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>A cell as the CSV writes the same value: ISO dates in their precision, yes/no, invariant numbers.</summary>
    private static string AsCsv(WorkbookCell cell) => cell.Kind switch
    {
        CellKind.Empty => "",
        CellKind.Boolean => cell.Boolean ? "yes" : "no",
        CellKind.Number => cell.Number.ToString(CultureInfo.InvariantCulture),
        CellKind.Date => cell.Format switch
        {
            "yyyy-mm-dd" => cell.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            "yyyy-mm" => cell.Date.ToString("yyyy-MM", CultureInfo.InvariantCulture),
            "yyyy" => cell.Date.ToString("yyyy", CultureInfo.InvariantCulture),
            var other => throw new InvalidOperationException($"a date shown as {other}"),
        },
        _ => cell.Value,
    };

    [Fact]
    public async Task report_status_saves_the_seed_as_a_workbook_that_says_what_the_csv_says()
    {
        var workbook = await SavedAsync();
        var csv = await Tracker("report", "status", "--format", "csv");
        csv.ExitCode.ShouldBe(0, csv.ToString());

        var status = workbook["Status"];
        status.Records.Select(r => (r["commitment_id"].Value, r["stage"].Value)).ShouldBe(
        [
            ("drone-production", "raised"),
            ("air-defence-joint-production", "under-examination"),
            ("weapons-joint-production", "under-examination"),
        ]);
        var since = status.Records[0]["since"];
        (since.Kind, since.Format).ShouldBe((CellKind.Date, "yyyy-mm"), "the seed's June 2025, a date shown as the month");
        status.Records.Select(r => status.Header.Select(h => AsCsv(r[h])).ToList())
            .ShouldBe(CsvText.Rows(csv.Output).Select(r => status.Header.Select(h => r[h]).ToList()), "cell for cell the CSV's values");

        // Every statement the report cites, quoted as the seed records it, with its source.
        var seed = (await File.ReadAllLinesAsync(SeedCase.File)).Select(l => JsonNode.Parse(l)!)
            .Where(l => l["type"]!.ToString() == "record-statement").ToDictionary(l => l["statementId"]!.ToString());
        var evidence = workbook["Evidence"].Records;
        evidence.Count.ShouldBeGreaterThanOrEqualTo(3);
        foreach (var record in evidence)
        {
            var said = seed[record["statement_id"].Value];
            record["quote"].Value.ShouldBe(said["quote"]!.ToString());
            record["translation"].Value.ShouldBe(said["translation"]?.ToString() ?? "");
            record["speaker"].Value.ShouldBe(said["speaker"]!["name"]!.ToString());
            record["source_url"].Value.ShouldBe(said["source"]!["url"]?.ToString() ?? "");
            record["outlet"].Value.ShouldBe(said["source"]!["outlet"]!.ToString());
        }
        evidence.Select(r => r["commitment_id"].Value).Distinct().Count().ShouldBe(3, "each commitment's evidence");

        var totals = workbook["Totals"];
        totals.Records.Where(r => r["commitments"].Number > 0).Select(r => (r["stage"].Value, (int)r["commitments"].Number))
            .ShouldBe([("raised", 1), ("under-examination", 2)]);
        totals.Notes["total"].Number.ShouldBe(3);
    }

    [Fact]
    public async Task a_redirect_gets_the_same_workbook_as_the_file_exact_bytes_on_standard_output()
    {
        var saved = await SavedAsync("--stage", "under-examination");

        using var process = TrackerProcess.Start(database.Environment, ["report", "status", "-f", "xlsx", "-s", "under-examination"], runAs: null);
        var stderr = process.StandardError.ReadToEndAsync();
        using var stdout = new MemoryStream();
        await process.StandardOutput.BaseStream.CopyToAsync(stdout);
        await process.WaitForExitAsync();
        process.ExitCode.ShouldBe(0, await stderr);

        var piped = WorkbookFile.Read(stdout.ToArray());
        piped.SchemaErrors.ShouldBeEmpty();
        static IEnumerable<string> Lines(IEnumerable<IEnumerable<WorkbookCell>> rows) => rows.Select(r => string.Join(" | ", r));
        foreach (var sheet in new[] { "Status", "Evidence" })
            Lines(piped[sheet].Rows).ShouldBe(Lines(saved[sheet].Rows), sheet);
        Lines(piped["Totals"].Records.Select(r => r.Values)).ShouldBe(Lines(saved["Totals"].Records.Select(r => r.Values)));
        piped["Status"].Records.Select(r => r["commitment_id"].Value).ShouldBe(["air-defence-joint-production", "weapons-joint-production"]);
    }

    [Fact]
    public async Task the_service_sends_the_whole_workbook_over_real_http()
    {
        // Kestrel refuses synchronous writes, which the in-memory test server lets through: only a real one shows it.
        var add = await Tracker("users", "add", $"xlsx-{Guid.NewGuid():N}"[..20], "--role", "reader");
        add.ExitCode.ShouldBe(0, add.ToString());
        var token = add.Output.Split('\n').Select(l => l.Trim()).Single(l => l.StartsWith("trk_"));
        await using var service = new TrackerProcess.Service(database.Environment);
        (await service.WaitForHealthAsync(TimeSpan.FromSeconds(60))).IsSuccessStatusCode.ShouldBeTrue(service.Output);
        using var http = new HttpClient();
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);

        using var response = await http.GetAsync(service.Url + "/api/reports/status?format=xlsx");
        var body = await response.Content.ReadAsByteArrayAsync();

        response.IsSuccessStatusCode.ShouldBeTrue(service.Output);
        response.Content.Headers.ContentDisposition!.FileName.ShouldBe("status-as-of-latest.xlsx");
        var workbook = WorkbookFile.Read(body);
        workbook.SchemaErrors.ShouldBeEmpty();
        workbook["Status"].Records.Count.ShouldBe(3);
        workbook["Totals"].Notes["total"].Number.ShouldBe(3);
        service.Output.ShouldNotContain("Exception", customMessage: "the service wrote the file without an error");
    }

    [Fact]
    public async Task a_workbook_is_not_printed_on_a_terminal()
    {
        // script(1) gives the command a terminal of its own, as an analyst's shell would.
        var command = $"dotnet {TrackerProcess.Dll} report status --format xlsx";
        var psi = new System.Diagnostics.ProcessStartInfo("script", ["-qec", command, "/dev/null"])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false,
        };
        psi.Environment.Remove("TRACKER_HOME");
        foreach (var (k, v) in database.Environment) psi.Environment[k] = v;
        psi.Environment["DOTNET_NOLOGO"] = "1";
        using var process = System.Diagnostics.Process.Start(psi)!;
        var output = process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();

        process.ExitCode.ShouldNotBe(0, await output);
        (await output).ShouldContain("report status: --format: xlsx is a binary workbook, not for a terminal: " +
                                     "save it with --output FILE or redirect standard output to a file");
        (await output).ShouldNotContain("PK", Case.Sensitive, "no zip bytes on the screen");
    }

    [Fact]
    public async Task the_changes_report_has_no_workbook_and_says_so_naming_the_flag()
    {
        var run = await Tracker("report", "changes", "--format", "xlsx");

        run.ExitCode.ShouldNotBe(0, run.ToString());
        run.Error.ShouldContain("report changes: --format: xlsx is the status report's only; the changes report is one of: json, md, csv, html");
        run.Output.ShouldBeEmpty();
    }
}
