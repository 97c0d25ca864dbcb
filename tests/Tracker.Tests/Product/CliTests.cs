using System.Text;
using System.Text.Json.Nodes;
using Alba;
using Microsoft.Extensions.DependencyInjection;
using Tracker.Infrastructure.Database;
using Tracker.Security;
using Tracker.Tests.Support;

namespace Tracker.Tests.Product;

/// <summary>The verbs an analyst or operator runs in a terminal: import, export, history, audit.</summary>
public class CliTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("tracker-cli-").FullName;
    private static readonly string Seed = Path.Combine(TrackerProcess.RepositoryRoot, "seeds", "ua-fr-joint-production.jsonl");
    private const string Agreement = "ua-fr-defence-industry";
    private const string AirDefence = "air-defence-joint-production";

    private static async Task<TrackerProcess.Result> Tracker(string database, params string[] args)
    {
        var run = await TrackerProcess.RunAsync(new Dictionary<string, string?> { ["TRACKER_DB"] = database }, args);
        return run;
    }

    private string File(string name, params string[] lines)
    {
        var path = Path.Combine(_dir, name);
        System.IO.File.WriteAllLines(path, lines, new UTF8Encoding(false));
        return path;
    }

    /// <summary>After the seed: a backdated statement with a quantity that introduces a commitment, a correction, a retraction.</summary>
    private string LaterReporting() => File("later.jsonl",
        $$$"""{"type":"record-statement","agreementId":"{{{Agreement}}}","statementId":"0d1c4b55-8d6e-4a57-9f0e-3b1f7d2a0001","saidOn":"2025-09-10","speaker":{"name":"Denys Shmyhal","role":"Minister of Defence","actor":"UKR"},"place":"Kyiv","quote":"Wir haben einen Vertrag über acht Systeme unterzeichnet.","language":"de","translation":"We signed a contract for eight systems.","source":{"outlet":"Ministry of Defence of Ukraine","kind":"official-statement","url":"https://www.mil.gov.ua/","publishedOn":"2025-09-10","reliability":"B","credibility":2},"assertions":[{"commitmentId":"{{{AirDefence}}}","stage":"signed","quantity":{"amount":8,"unit":"systems"}},{"commitmentId":"sampt-maintenance","stage":"announced","note":"servicing hub"}],"newCommitments":[{"commitmentId":"sampt-maintenance","title":"A SAMP/T servicing hub in Ukraine","category":"air-defence","responsibleActors":["FRA"]}]}""",
        $$$"""{"type":"record-statement","agreementId":"{{{Agreement}}}","statementId":"0d1c4b55-8d6e-4a57-9f0e-3b1f7d2a0002","saidOn":"2025-06","speaker":{"name":"Unnamed official"},"quote":"Gerücht","language":"de","source":{"outlet":"Blog","kind":"other"},"assertions":[{"commitmentId":"drone-production","stage":"binding"}]}""",
        $$$"""{"type":"correct-statement","agreementId":"{{{Agreement}}}","statementId":"0d1c4b55-8d6e-4a57-9f0e-3b1f7d2a0001","correctionId":"0d1c4b55-8d6e-4a57-9f0e-3b1f7d2a00c1","reason":"contract not yet signed: letter of intent","changes":{"assertions":[{"commitmentId":"{{{AirDefence}}}","stage":"announced","quantity":{"amount":8,"unit":"systems"}}]}}""",
        $$$"""{"type":"retract-statement","agreementId":"{{{Agreement}}}","statementId":"0d1c4b55-8d6e-4a57-9f0e-3b1f7d2a0002","reason":"unsourced rumour"}""");

    /// <summary>History as JSON without the record-time metadata, which belongs to the store that recorded it.</summary>
    private static string Content(string historyJson)
    {
        var node = JsonNode.Parse(historyJson)!;
        void Strip(JsonNode? n)
        {
            if (n is JsonObject o)
            {
                o.Remove("recorded");
                foreach (var (_, v) in o.ToList()) Strip(v);
            }
            else if (n is JsonArray a) foreach (var v in a) Strip(v);
        }
        Strip(node);
        return node.ToJsonString();
    }

    private static string WithoutChain(string path) => string.Join("\n", System.IO.File.ReadLines(path).Select(l =>
    {
        var line = JsonNode.Parse(l)!.AsObject();
        line.Remove("chain");
        return line.ToJsonString();
    }));

    [Fact]
    public async Task an_export_imported_into_an_empty_store_gives_the_same_agreements_and_exports_identically()
    {
        var original = await TestCluster.NewDatabaseAsync("export_from");
        (await Tracker(original, "import", Seed, LaterReporting())).ExitCode.ShouldBe(0);
        var exported = Path.Combine(_dir, "export.jsonl");
        var export = await Tracker(original, "export", "--output", exported);
        export.ExitCode.ShouldBe(0, export.ToString());
        System.IO.File.ReadLines(exported).Count().ShouldBe(12);

        var copy = await TestCluster.NewDatabaseAsync("export_to");
        var import = await Tracker(copy, "import", exported);
        import.ExitCode.ShouldBe(0, import.ToString());
        import.Output.ShouldContain("appended 12 events");
        var again = await Tracker(copy, "export", "--output", Path.Combine(_dir, "again.jsonl"));
        again.ExitCode.ShouldBe(0, again.ToString());

        // The same lines; each carries its own store's chain position and hash, which a re-import does not reproduce.
        import.Error.ShouldContain("export.jsonl carries the hash chain of the store it was exported from. This store does not reproduce it");
        System.IO.File.ReadLines(exported).ShouldAllBe(l => l.Contains("\"chain\":{\"sequence\":"));
        WithoutChain(Path.Combine(_dir, "again.jsonl")).ShouldBe(WithoutChain(exported));
        System.IO.File.ReadAllText(Path.Combine(_dir, "again.jsonl")).ShouldNotBe(System.IO.File.ReadAllText(exported));
        var before = await Tracker(original, "history", Agreement, "--format", "json");
        var after = await Tracker(copy, "history", Agreement, "--format", "json");
        Content(after.Output).ShouldBe(Content(before.Output));
        after.Output.ShouldContain("contract not yet signed: letter of intent");
        (await Tracker(copy, "import", exported)).Output.ShouldContain("appended 0 events");
    }

    [Fact]
    public async Task history_and_audit_show_what_changed_who_changed_it_and_why()
    {
        var database = await TestCluster.NewDatabaseAsync("cli_history");
        (await Tracker(database, "import", "--user", "olena", Seed, LaterReporting())).ExitCode.ShouldBe(0);

        var history = await Tracker(database, "history", $"{Agreement}/{AirDefence}");
        history.ExitCode.ShouldBe(0, history.ToString());
        history.Output.ShouldContain("Stage: **announced**");
        history.Output.ShouldContain("| transition | under-examination → announced |");
        history.Output.ShouldContain("corrected assertions by olena");
        var asOfJuly = await Tracker(database, "history", $"{Agreement}/{AirDefence}", "--as-of", "2025-07-01");
        asOfJuly.Output.ShouldContain("Stage: **under-examination**");

        var stale = await Tracker(database, "audit", "--agreement", Agreement);
        stale.Error.ShouldContain("12 events behind the store");
        // The service builds the trail; without it running, the operator builds it with the projections verb.
        var rebuild = await Tracker(database, "projections", "rebuild", "-p", "AuditTrail");
        rebuild.ExitCode.ShouldBe(0, rebuild.ToString());
        var audit = await Tracker(database, "audit", "--agreement", Agreement);
        audit.ExitCode.ShouldBe(0, audit.ToString());
        audit.Output.ShouldContain("unsourced rumour");
        audit.Output.ShouldContain("contract not yet signed: letter of intent (assertions)");
        audit.Output.Split('\n').Count(l => l.Contains("| olena |")).ShouldBe(12);
    }

    [Fact]
    public async Task a_rebuild_is_refused_while_a_service_serves_and_a_service_starting_during_a_rebuild_waits_for_it()
    {
        var database = await TestCluster.NewDatabaseAsync("cli_rebuild_serving");
        (await Tracker(database, "import", Seed)).ExitCode.ShouldBe(0);
        await using (var serving = await TrackerApp.StartAsync(database))
        {
            var refused = await Tracker(database, "projections", "rebuild", "-p", "Portfolio");
            refused.ExitCode.ShouldBe(1, refused.ToString());
            refused.Error.ShouldContain("1 Tracker instance(s) are serving this database");
            var reader = (await serving.Services.GetRequiredService<UserAdministration>().AddAsync("rea", Roles.Reader)).Token;
            (await serving.Scenario(s =>
            {
                s.Get.Url($"/api/agreements/{Agreement}");
                s.WithBearerToken(reader);
            })).Context.Response.StatusCode.ShouldBe(200);
        }

        var rebuilt = await Tracker(database, "projections", "rebuild", "-p", "Portfolio");
        rebuilt.ExitCode.ShouldBe(0, rebuilt.ToString());

        // A rebuild under way holds the lease exclusively: a service starting now waits for it, then serves.
        var (held, _) = await ServingLease.TakeForRebuildAsync(database);
        held.ShouldNotBeNull();
        var starting = Task.Run(() => TrackerApp.StartAsync(database)); // the test host starts synchronously
        (await Task.WhenAny(starting, Task.Delay(TimeSpan.FromSeconds(3)))).ShouldNotBe(starting);
        await held.DisposeAsync();
        await using var started = await starting.WaitAsync(TimeSpan.FromSeconds(60));
        var token = (await started.Services.GetRequiredService<UserAdministration>().AddAsync("reb", Roles.Reader)).Token;
        var report = await started.Scenario(s =>
        {
            s.Get.Url("/api/reports/status");
            s.WithBearerToken(token);
        });
        (await report.ReadAsTextAsync()).ShouldContain(AirDefence);
    }

    [Fact]
    public async Task bad_flags_are_refused_naming_the_flag()
    {
        var database = await TestCluster.NewDatabaseAsync("cli_flags");
        var run = await Tracker(database, "history", Agreement, "--as-of", "June");
        run.ExitCode.ShouldNotBe(0);
        run.Error.ShouldContain("--as-of");
        run = await Tracker(database, "audit", "--from", "yesterday");
        run.ExitCode.ShouldNotBe(0);
        run.Error.ShouldContain("--from");
        run = await Tracker(database, "history", "no-such-agreement");
        run.ExitCode.ShouldNotBe(0);
        run.Error.ShouldContain("'no-such-agreement' does not exist");
    }

    [Fact]
    public async Task a_file_with_any_bad_line_imports_nothing_and_every_error_names_file_line_and_field()
    {
        string Valid(string name, string badLine) => File(name,
            """{"type":"open-agreement","agreementId":"bad-import","title":"T","parties":["UKR","FRA"]}""",
            """{"type":"add-commitment","agreementId":"bad-import","commitmentId":"air-defence","title":"Air defence","category":"air-defence"}""",
            """{"type":"record-statement","agreementId":"bad-import","saidOn":"2025-06-05","speaker":{"name":"A"},"quote":"Q","language":"de","source":{"outlet":"O","kind":"other"},"assertions":[{"commitmentId":"air-defence","stage":"raised"}]}""",
            badLine);
        const string statement = """{"type":"record-statement","agreementId":"bad-import","speaker":{"name":"A"},"language":"de","source":{"outlet":"O","kind":"other"},""";
        var malformed = Valid("malformed.jsonl", """{"type":"record-statement","agreementId":"bad-import",""");
        var missing = Valid("missing.jsonl", statement + """ "saidOn":"2025-06-06","assertions":[{"commitmentId":"air-defence","stage":"raised"}]}""");
        var unknown = Valid("unknown.jsonl", statement + """ "saidOn":"2025-06-06","quote":"Q","assertions":[{"commitmentId":"submarines","stage":"raised"}]}""");
        var badDate = Valid("date.jsonl", statement + """ "saidOn":"2025-13-45","quote":"Q","assertions":[{"commitmentId":"air-defence","stage":"raised"}]}""");
        var badBytes = Path.Combine(_dir, "bytes.jsonl");
        var goodLines = System.IO.File.ReadAllLines(malformed).Take(3).Select(l => l + "\n");
        // 0xC3 0x28: a two-byte sequence cut short, as a file saved in the wrong encoding or truncated would have.
        await System.IO.File.WriteAllBytesAsync(badBytes, [.. Encoding.UTF8.GetBytes(string.Concat(goodLines)), .. "{\"quote\":\"Kyiv "u8, 0xC3, 0x28, .. "\"}\n"u8]);
        var database = await TestCluster.NewDatabaseAsync("bad_import");

        var run = await Tracker(database, "import", malformed, missing, unknown, badDate, badBytes);

        run.ExitCode.ShouldNotBe(0);
        run.Error.ShouldContain("malformed.jsonl:4:line: ends before the JSON is complete: an object or list is never closed");
        run.Error.ShouldNotContain("Expected depth");
        run.Error.ShouldContain("missing.jsonl:4:quote:");
        run.Error.ShouldContain("unknown.jsonl:4:assertions[0].commitmentId:");
        run.Error.ShouldContain("date.jsonl:4:saidOn:");
        run.Error.ShouldContain("bytes.jsonl:4:line: is not valid UTF-8");
        run.Error.ShouldContain("nothing was imported");
        var export = await Tracker(database, "export");
        export.ExitCode.ShouldBe(0, export.ToString());
        export.Output.Trim().ShouldBeEmpty("not even the valid lines were imported");
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
