using System.Net;
using System.Text.Json.Nodes;
using Alba;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Tracker.Reports.Rendering;
using Tracker.Tests.Reports;
using Tracker.Security;
using Tracker.Tests.Support;

namespace Tracker.Tests.Portfolio;

/// <summary>An analyst's portfolio read from the projected tables: imports, wide treaties, pages.</summary>
public class PortfolioStories
{
    private static async Task<(IAlbaHost Host, string Token)> StartAsync(string database)
    {
        var host = await TrackerApp.StartAsync(database, ("Tracker:RateLimit:PermitsPerMinute", "100000"));
        var token = (await host.Services.GetRequiredService<UserAdministration>().AddAsync("pat", Roles.Analyst)).Token;
        return (host, token);
    }

    private static async Task<(int Status, JsonNode? Body)> SendAsync(IAlbaHost host, string token, string url, object? body = null)
    {
        var result = await host.Scenario(s =>
        {
            if (body is null) s.Get.Url(url);
            else s.Post.Json(body).ToUrl(url);
            s.WithBearerToken(token);
            s.IgnoreStatusCode();
        });
        var text = await result.ReadAsTextAsync();
        return (result.Context.Response.StatusCode, text.TrimStart().StartsWith('{') ? JsonNode.Parse(text) : null);
    }

    private static async Task<DateTimeOffset> DatabaseNowAsync(string database)
    {
        await using var conn = new NpgsqlConnection(database);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("select clock_timestamp()", conn);
        return (DateTimeOffset)(DateTime)(await cmd.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task a_commitment_added_by_a_second_import_is_listed_once_and_now_equals_known_at_now()
    {
        var database = await TestCluster.NewDatabaseAsync("importtwice");
        var folder = Directory.CreateTempSubdirectory("tracker-import-").FullName;
        var first = Path.Combine(folder, "first.jsonl");
        var second = Path.Combine(folder, "second.jsonl");
        await File.WriteAllLinesAsync(first,
        [
            """{"type":"open-agreement","agreementId":"imp","title":"Imported","parties":["UKR","FRA"]}""",
            """{"type":"add-commitment","agreementId":"imp","commitmentId":"c1","title":"One","category":"drones"}""",
            """{"type":"record-statement","agreementId":"imp","saidOn":"2025-06-05","speaker":{"name":"S","actor":"UKR"},"quote":"Q1","language":"de","source":{"outlet":"O","kind":"media-report"},"assertions":[{"commitmentId":"c1","stage":"raised"}]}""",
        ]);
        await File.WriteAllLinesAsync(second,
        [
            """{"type":"add-commitment","agreementId":"imp","commitmentId":"c2","title":"Two","category":"air-defence"}""",
            """{"type":"record-statement","agreementId":"imp","saidOn":"2025-07","speaker":{"name":"S","actor":"FRA"},"quote":"Q2","language":"de","source":{"outlet":"O","kind":"media-report"},"assertions":[{"commitmentId":"c2","stage":"announced"}]}""",
        ]);
        var environment = new Dictionary<string, string?> { ["TRACKER_DB"] = database };
        foreach (var file in new[] { first, second })
        {
            var run = await TrackerProcess.RunAsync(environment, "import", file);
            run.ExitCode.ShouldBe(0, run.ToString());
        }
        var (host, token) = await StartAsync(database);
        await using var _ = host;
        // The same story over HTTP, beside it.
        (await SendAsync(host, token, "/api/agreements", new { agreementId = "http", title = "By hand", parties = new[] { "UKR", "FRA" } })).Status.ShouldBe(201);
        foreach (var c in new[] { "c1", "c2" })
            (await SendAsync(host, token, "/api/agreements/http/commitments", new { commitmentId = c, title = c, category = "drones" })).Status.ShouldBe(201);
        (await SendAsync(host, token, "/api/agreements/http/statements", Api.Statement("c2", "announced", "2025-07"))).Status.ShouldBe(201);

        var (_, now) = await SendAsync(host, token, "/api/reports/status");
        var instant = ReportText.Instant(await DatabaseNowAsync(database));
        var (_, knownNow) = await SendAsync(host, token, $"/api/reports/status?knownAt={Uri.EscapeDataString(instant)}");

        var rows = now!["rows"]!.AsArray();
        rows.Select(r => $"{r!["agreementId"]}/{r["status"]!["commitmentId"]}")
            .ShouldBe(["http/c1", "http/c2", "imp/c1", "imp/c2"]);
        now["total"]!.GetValue<int>().ShouldBe(4);
        now["totalsByStage"]!.ToJsonString().ShouldBe("""{"announced":2,"none":1,"raised":1}""");
        JsonNode.DeepEquals(now["rows"], knownNow!["rows"]).ShouldBeTrue();
        JsonNode.DeepEquals(now["totalsByStage"], knownNow["totalsByStage"]).ShouldBeTrue();

        var (_, agreement) = await SendAsync(host, token, "/api/agreements/imp");
        agreement!["commitments"]!.AsArray().Count.ShouldBe(2);
        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public async Task a_treaty_of_250_parties_is_kept_whole_and_found_by_any_of_them()
    {
        var (host, token) = await StartAsync(await TestCluster.NewDatabaseAsync("wide"));
        await using var _ = host;
        // Every state of ISO 3166-1 and then organisations: 251 real actor codes.
        var parties = Tracker.Registry.BuiltinActors.ById.Values.Where(a => a.Kind != Tracker.Registry.ActorKind.FormerState)
            .Select(a => a.Id).Order(StringComparer.Ordinal).Take(251).ToArray();

        var (refused, problem) = await SendAsync(host, token, "/api/agreements",
            new { agreementId = "too-wide", title = "Too wide", parties });
        refused.ShouldBe((int)HttpStatusCode.BadRequest);
        problem!["errors"]!["parties"]![0]!.GetValue<string>().ShouldContain("250");

        (await SendAsync(host, token, "/api/agreements",
            new { agreementId = "paris", title = "Paris Agreement", parties = parties[..250] })).Status.ShouldBe(201);
        (await SendAsync(host, token, "/api/agreements/paris/commitments",
            new { commitmentId = "ndc", title = "Nationally determined contributions", category = "other" })).Status.ShouldBe(201);

        var (_, byLast) = await SendAsync(host, token, $"/api/reports/status?party={parties[249].ToLowerInvariant()}");
        byLast!["total"]!.GetValue<int>().ShouldBe(1);
        byLast["rows"]![0]!["parties"]!.AsArray().Count.ShouldBe(250);
        var (_, list) = await SendAsync(host, token, $"/api/agreements?party={parties[0]}");
        list!["total"]!.GetValue<int>().ShouldBe(1);
        var (_, none) = await SendAsync(host, token, $"/api/reports/status?party={parties[250]}");
        none!["total"]!.GetValue<int>().ShouldBe(0);
    }

    [Fact]
    public async Task reports_and_lists_come_in_pages_with_totals_over_every_match_and_whole_reports_are_not_paged()
    {
        var (host, token) = await StartAsync(await TestCluster.NewDatabaseAsync("pages"));
        await using var _ = host;
        for (var a = 1; a <= 3; a++)
        {
            (await SendAsync(host, token, "/api/agreements", new { agreementId = $"p{a}", title = $"P{a}", parties = new[] { "UKR", "FRA" } })).Status.ShouldBe(201);
            for (var c = 1; c <= 4; c++)
            {
                (await SendAsync(host, token, $"/api/agreements/p{a}/commitments", new { commitmentId = $"c{c}", title = $"C{c}", category = "drones" })).Status.ShouldBe(201);
                (await SendAsync(host, token, $"/api/agreements/p{a}/statements", Api.Statement($"c{c}", c % 2 == 0 ? "signed" : "raised", $"2025-0{c}-10"))).Status.ShouldBe(201);
            }
        }

        var (_, page) = await SendAsync(host, token, "/api/reports/status?page=2&pageSize=5");
        page!["rows"]!.AsArray().Select(r => $"{r!["agreementId"]}/{r["status"]!["commitmentId"]}")
            .ShouldBe(["p2/c2", "p2/c3", "p2/c4", "p3/c1", "p3/c2"]);
        page["total"]!.GetValue<int>().ShouldBe(12);
        page["page"]!.GetValue<int>().ShouldBe(2);
        page["pageSize"]!.GetValue<int>().ShouldBe(5);
        page["totalsByStage"]!.ToJsonString().ShouldBe("""{"raised":6,"signed":6}""");
        var (_, signed) = await SendAsync(host, token, "/api/reports/status?stage=signed&pageSize=1");
        signed!["total"]!.GetValue<int>().ShouldBe(6);
        signed["rows"]!.AsArray().Count.ShouldBe(1);

        var (_, changes) = await SendAsync(host, token, "/api/reports/changes?from=2025-02-01&to=2025-04-30&pageSize=2");
        changes!["total"]!.GetValue<int>().ShouldBe(9);
        changes["changes"]!.AsArray().Select(c => c!["transition"]!["saidOn"]!.GetValue<string>()).ShouldBe(["2025-02-10", "2025-02-10"]);

        var (_, agreements) = await SendAsync(host, token, "/api/agreements?page=3&pageSize=1");
        agreements!["total"]!.GetValue<int>().ShouldBe(3);
        agreements["items"]!.AsArray().Single()!["agreementId"]!.GetValue<string>().ShouldBe("p3");

        var (status, problem) = await SendAsync(host, token, "/api/reports/status?format=csv&page=2");
        status.ShouldBe(400);
        problem!["errors"]!["page"]![0]!.GetValue<string>().ShouldContain("format=json");
        var csv = await host.Scenario(s =>
        {
            s.Get.Url("/api/reports/status?format=csv");
            s.WithBearerToken(token);
            s.StatusCodeShouldBe(200);
        });
        CsvText.Rows(await csv.ReadAsTextAsync()).Count.ShouldBe(12);
    }

    [Fact]
    public async Task a_commitment_corroborated_25_times_cites_the_first_and_the_nine_latest_and_counts_them_all()
    {
        var (host, token) = await StartAsync(await TestCluster.NewDatabaseAsync("corroborated"));
        await using var _ = host;
        (await SendAsync(host, token, "/api/agreements", new { agreementId = "often", title = "Often said", parties = new[] { "UKR", "FRA" } })).Status.ShouldBe(201);
        (await SendAsync(host, token, "/api/agreements/often/commitments", new { commitmentId = "c", title = "C", category = "drones" })).Status.ShouldBe(201);
        for (var day = 1; day <= 25; day++)
            (await SendAsync(host, token, "/api/agreements/often/statements",
                Api.Statement("c", "announced", $"2025-03-{day:00}", speaker: $"Speaker {day}"))).Status.ShouldBe(201);
        for (var day = 26; day <= 28; day++)
            (await SendAsync(host, token, "/api/agreements/often/statements",
                Api.Statement("c", "raised", $"2025-03-{day:00}", speaker: $"Doubter {day}"))).Status.ShouldBe(201);

        var (_, report) = await SendAsync(host, token, "/api/reports/status");
        var status = report!["rows"]![0]!["status"]!;
        status["evidenceCount"]!.GetValue<int>().ShouldBe(25);
        status["evidence"]!.AsArray().Select(e => e!["speaker"]!.GetValue<string>())
            .ShouldBe(["Speaker 1", .. Enumerable.Range(17, 9).Select(d => $"Speaker {d}")]);
        status["conflictingCount"]!.GetValue<int>().ShouldBe(3);
        status["conflicting"]!.AsArray().Count.ShouldBe(3);
        status["statementCount"]!.GetValue<int>().ShouldBe(28);

        // As of mid-March the same row is still whole: only 15 statements had been said.
        var (_, earlier) = await SendAsync(host, token, "/api/reports/status?asOf=2025-03-15");
        earlier!["rows"]![0]!["status"]!["evidenceCount"]!.GetValue<int>().ShouldBe(15);
        earlier["rows"]![0]!["status"]!["evidence"]!.AsArray().Count.ShouldBe(10);

        var csv = await host.Scenario(s =>
        {
            s.Get.Url("/api/reports/status?format=csv");
            s.WithBearerToken(token);
            s.StatusCodeShouldBe(200);
        });
        var row = CsvText.Rows(await csv.ReadAsTextAsync()).Single();
        row["evidence"].ShouldStartWith("Speaker 1 (UKR)");
        row["evidence"].ShouldContain("… 15 more …");
        row["evidence"].ShouldEndWith("2025-03-25");

        // The commitment's own page lists every statement.
        var (_, own) = await SendAsync(host, token, "/api/agreements/often/commitments/c");
        own!["evidence"]!.AsArray().Count.ShouldBe(25);
    }

    [Fact]
    public async Task two_instances_taking_turns_on_one_commitment_each_see_every_statement_the_other_recorded()
    {
        // Each instance keeps the statements of the commitments it wrote; the other's writes must make that copy stale.
        var database = await TestCluster.NewDatabaseAsync("twoinstances");
        var (first, token) = await StartAsync(database);
        await using var _ = first;
        await using var second = await TrackerApp.StartAsync(database, ("Tracker:RateLimit:PermitsPerMinute", "100000"));
        (await SendAsync(first, token, "/api/agreements", new { agreementId = "shared", title = "Shared", parties = new[] { "UKR", "FRA" } })).Status.ShouldBe(201);
        (await SendAsync(first, token, "/api/agreements/shared/commitments", new { commitmentId = "c", title = "C", category = "drones" })).Status.ShouldBe(201);
        for (var i = 1; i <= 12; i++)
        {
            var host = i % 3 == 0 ? second : first;
            (await SendAsync(host, token, "/api/agreements/shared/statements",
                Api.Statement("c", "announced", $"2025-04-{i:00}", speaker: $"Speaker {i}"))).Status.ShouldBe(201);
            foreach (var reader in new[] { first, second })
            {
                var (_, report) = await SendAsync(reader, token, "/api/reports/status");
                report!["rows"]![0]!["status"]!["statementCount"]!.GetValue<int>().ShouldBe(i);
            }
        }
        var (_, last) = await SendAsync(second, token, "/api/reports/status");
        last!["rows"]![0]!["status"]!["evidence"]!.AsArray()[^1]!["speaker"]!.GetValue<string>().ShouldBe("Speaker 12");
    }
}
