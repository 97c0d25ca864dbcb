using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Tracker.Tests.Support;

namespace Tracker.Tests.Product;

/// <summary>
/// An analyst's daily work at a terminal: open an agreement, add a commitment, record, correct and retract
/// statements, each verb taking the API's own request body, refused with the API's own words.
/// </summary>
[Collection(AppCollection.Name)]
public class AnalystVerbTests(TrackerApp app) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("tracker-verbs-").FullName;

    private Task<TrackerProcess.Result> Tracker(params string[] args) =>
        TrackerProcess.RunAsync(new Dictionary<string, string?> { ["TRACKER_DB"] = app.ConnectionString }, args);

    private string Body(string name, string json)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, json, new UTF8Encoding(false));
        return path;
    }

    private async Task OpenAsync(string agreement)
    {
        var opened = await Tracker("open", "--file", Body($"{agreement}.json", $$"""
            {
              "agreementId": "{{agreement}}",
              "title": "German air-defence support for Ukraine",
              "parties": ["DEU", "UKR"]
            }
            """));
        opened.ExitCode.ShouldBe(0, opened.ToString());
        var added = await Tracker("add-commitment", "--agreement", agreement, "--file", Body("iris-t.json", """
            { "commitmentId": "iris-t", "title": "IRIS-T SLM systems", "category": "air-defence", "responsibleActors": ["DEU"] }
            """));
        added.ExitCode.ShouldBe(0, added.ToString());
    }

    [Fact]
    public async Task an_analyst_opens_an_agreement_records_corrects_and_retracts_from_the_terminal()
    {
        const string agreement = "cli-de-ua-air";
        await OpenAsync(agreement);

        var recorded = await Tracker("record", "-a", agreement, "-i", "5f0c6f0e-4a1b-4c55-9d2e-0000000000a1",
            "-d", "2025-06-05", "-n", "Boris Pistorius", "-r", "Minister of Defence", "--actor", "DEU",
            "-q", "Wir liefern zwei weitere Systeme.", "-l", "de", "-t", "We are delivering two more systems.",
            "-o", "Bundesministerium der Verteidigung", "-k", "official-statement", "--url", "https://www.bmvg.de/",
            "-c", "iris-t", "-s", "announced", "--amount", "2", "--unit", "systems", "--user", "olena");
        recorded.ExitCode.ShouldBe(0, recorded.ToString());
        var written = JsonNode.Parse(recorded.Output)!;
        written["statementId"]!.ToString().ShouldBe("5f0c6f0e-4a1b-4c55-9d2e-0000000000a1");
        written["version"]!.GetValue<long>().ShouldBe(3);
        recorded.Error.ShouldContain($"is now at version 3");

        var again = await Tracker("record", "-a", agreement, "-i", "5f0c6f0e-4a1b-4c55-9d2e-0000000000a1",
            "-d", "2025-06-05", "-n", "Boris Pistorius", "-r", "Minister of Defence", "--actor", "DEU",
            "-q", "Wir liefern zwei weitere Systeme.", "-l", "de", "-t", "We are delivering two more systems.",
            "-o", "Bundesministerium der Verteidigung", "-k", "official-statement", "--url", "https://www.bmvg.de/",
            "-c", "iris-t", "-s", "announced", "--amount", "2", "--unit", "systems");
        again.ExitCode.ShouldBe(0, again.ToString());
        again.Error.ShouldContain("nothing was appended");

        var corrected = await Tracker("correct", "-a", agreement, "-i", "5f0c6f0e-4a1b-4c55-9d2e-0000000000a1", "--user", "olena",
            "-f", Body("correction.json", """{ "reason": "the minister said three", "changes": { "quote": "Wir liefern drei weitere Systeme." } }"""));
        corrected.ExitCode.ShouldBe(0, corrected.ToString());
        var retracted = await Tracker("retract", "-a", agreement, "-i", "5f0c6f0e-4a1b-4c55-9d2e-0000000000a1", "--user", "olena",
            "-e", "4", "-f", Body("retraction.json", """{ "reason": "misattributed: the quote is from a deputy" }"""));
        retracted.ExitCode.ShouldBe(0, retracted.ToString());

        var history = await Tracker("history", $"{agreement}/iris-t");
        history.ExitCode.ShouldBe(0, history.ToString());
        history.Output.ShouldContain("| 2025-06-05 | statement | announced | Boris Pistorius (Minister of Defence, DEU) | " +
            "“Wir liefern drei weitere Systeme.” (de; translation: “We are delivering two more systems.”) | " +
            "Bundesministerium der Verteidigung (official-statement) [source](https://www.bmvg.de/) | `5f0c6f0e-4a1b-4c55-9d2e-0000000000a1` |");
        history.Output.ShouldContain("corrected quote by olena");
        history.Output.ShouldContain("RETRACTED by olena");
        history.Output.ShouldContain("misattributed: the quote is from a deputy");
    }

    [Fact]
    public async Task a_bad_body_is_refused_with_the_apis_messages_naming_file_line_and_field_and_nothing_is_written()
    {
        const string agreement = "cli-same-rules";
        await OpenAsync(agreement);
        const string body = """
            {
              "saidOn": "2031-01-01",
              "speaker": { "name": "Boris Pistorius", "actor": "Germany" },
              "quote": "Wir liefern.",
              "language": "deutsch",
              "source": { "outlet": "BMVg", "kind": "press-release-ish", "url": "bmvg.de" },
              "assertions": [ { "commitmentId": "iris-t", "stage": "delivered" } ]
            }
            """;
        var (status, problem, _) = await new Api(app).Send(HttpMethod.Post, $"/api/agreements/{agreement}/statements", body);
        status.ShouldBe(HttpStatusCode.BadRequest);
        var apiErrors = problem!["errors"]!.AsObject().SelectMany(e => e.Value!.AsArray().Select(r => (Field: e.Key, Reason: r!.ToString()))).ToList();
        apiErrors.Count.ShouldBeGreaterThanOrEqualTo(5);

        var file = Body("statement.json", body);
        var run = await Tracker("record", "--agreement", agreement, "--file", file);

        run.ExitCode.ShouldNotBe(0, run.ToString());
        var lineOf = body.Split('\n').Select((text, i) => (text, line: i + 1)).ToList();
        foreach (var (field, reason) in apiErrors)
        {
            var key = field.Split('.')[^1];
            var line = lineOf.First(l => l.text.Contains($"\"{key}\"")).line;
            run.Error.ShouldContain($"record: {file}:{line}: {field}: {reason}", Case.Sensitive, run.ToString());
        }
        var history = await Tracker("history", $"{agreement}/iris-t", "--format", "json");
        JsonNode.Parse(history.Output)![0]!["entries"]!.AsArray().ShouldBeEmpty("nothing was recorded");
    }

    [Fact]
    public async Task flags_name_themselves_in_errors_and_a_stale_expected_version_writes_nothing()
    {
        const string agreement = "cli-flags";
        await OpenAsync(agreement);

        var misspelt = await Tracker("record", "-a", agreement, "-d", "2025-06-05", "-n", "Boris Pistorius", "-q", "Wir liefern.",
            "-l", "de", "-o", "BMVg", "-k", "official-statement", "-c", "iris-t", "-s", "annonced");
        misspelt.ExitCode.ShouldNotBe(0);
        misspelt.Error.ShouldContain("record: --stage: 'annonced' is not one of: raised, under-examination, announced");

        var missing = await Tracker("record", "-a", agreement, "-d", "2025-06-05", "-n", "Boris Pistorius", "-l", "de",
            "-o", "BMVg", "-k", "official-statement", "-c", "iris-t", "-s", "announced");
        missing.ExitCode.ShouldNotBe(0);
        missing.Error.ShouldContain("record: --quote: is required");

        var stale = await Tracker("add-commitment", "-a", agreement, "-e", "1", "-f", Body("patriot.json", """
            { "commitmentId": "patriot", "title": "Patriot batteries", "category": "air-defence" }
            """));
        stale.ExitCode.ShouldNotBe(0);
        stale.Error.ShouldContain($"add-commitment: --expected-version: agreement '{agreement}' is at version 2, not 1; reload and retry");
        (await Tracker("history", agreement)).Output.ShouldNotContain("patriot");

        var noSuch = await Tracker("retract", "-a", agreement, "-i", Guid.NewGuid().ToString(), "-f", Body("r.json", """{"reason":"x"}"""));
        noSuch.ExitCode.ShouldNotBe(0);
        noSuch.Error.ShouldContain($"does not exist in '{agreement}'");
    }

    [Fact]
    public async Task a_truncated_body_is_named_by_file_and_line_in_plain_words()
    {
        var file = Body("cut.json", """
            {
              "agreementId": "cli-truncated",
              "title": "T",
              "parties": ["DEU", "UKR"
            """);
        var run = await Tracker("open", "--file", file);

        run.ExitCode.ShouldNotBe(0);
        run.Error.ShouldContain($"open: {file}:4: ends before the JSON is complete");
        run.Error.ShouldNotContain("Expected depth");
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
