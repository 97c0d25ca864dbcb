using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Npgsql;
using Tracker.Tests.Support;

namespace Tracker.Tests.Sources;

/// <summary>The built service as a real process, killed with <c>kill -9</c> after a statement's commit and while its
/// source is being fetched: after a restart the source is captured, once.</summary>
public class CaptureCrashTests
{
    [Fact]
    public async Task a_kill_9_between_the_statements_commit_and_its_capture_still_captures_it_once_after_the_restart()
    {
        await using var pages = await SourcePages.StartAsync();
        const string quote = "The sides agreed to produce air-defence systems jointly";
        var html = $"<html><body><article><p>{quote}, the minister said in Brussels on 5 June.</p></article></body></html>";
        // Slow at first: the capture is under way when the service is killed.
        pages["/news"] = Page.Html(html) with { Delay = TimeSpan.FromSeconds(30) };
        var database = await TestCluster.NewDatabaseAsync("capture-crash");
        var environment = new Dictionary<string, string?>
        {
            ["TRACKER_DB"] = database, ["ASPNETCORE_ENVIRONMENT"] = "Production", ["Tracker__RateLimit__PermitsPerMinute"] = "100000",
            ["Tracker__Sources__Capture"] = "true", ["Tracker__Sources__AllowPrivateTargets"] = "true",
            ["Tracker__Sources__AllowedPorts__0"] = pages.Port.ToString(), ["Tracker__Sources__Lease"] = "00:00:02",
            ["Tracker__Sources__Timeout"] = "00:00:40",
        };
        var add = await TrackerProcess.RunAsync(environment, "users", "add", "desk", "--role", "analyst");
        add.ExitCode.ShouldBe(0, add.ToString());
        var token = add.Output.Split('\n').Select(l => l.Trim()).Single(l => l.StartsWith("trk_", StringComparison.Ordinal));

        var statement = Guid.NewGuid();
        await using (var first = new TrackerProcess.Service(environment))
        {
            (await first.WaitForHealthAsync(TimeSpan.FromSeconds(90))).StatusCode.ShouldBe(HttpStatusCode.OK, first.Output);
            using var http = new HttpClient { BaseAddress = new Uri(first.Url) };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            (await http.PostAsJsonAsync("/api/agreements", new { agreementId = "crash", title = "T", parties = new[] { "UKR", "FRA" } }))
                .StatusCode.ShouldBe(HttpStatusCode.Created);
            (await http.PostAsJsonAsync("/api/agreements/crash/commitments", new { commitmentId = "c", title = "C", category = "air-defence" }))
                .StatusCode.ShouldBe(HttpStatusCode.Created);
            var recorded = await http.PostAsJsonAsync("/api/agreements/crash/statements", new
            {
                statementId = statement, saidOn = "2025-06-05", speaker = new { name = "Rustem Umerov", actor = "UKR" }, quote, language = "en",
                source = new { outlet = "Ministry", kind = "press-release", url = pages.Url("/news") },
                assertions = new[] { new { commitmentId = "c", stage = "announced" } },
            });
            recorded.StatusCode.ShouldBe(HttpStatusCode.Created, await recorded.Content.ReadAsStringAsync());
            // Committed, its job claimed, the fetch in flight: now the crash.
            await WaitAsync(database, "select count(*) from tracker.capture_jobs where attempts > 0 and done_at is null", 1, TimeSpan.FromSeconds(20));
            await first.KillAsync();
        }
        (await CountAsync(database, "select count(*) from tracker.source_captures")).ShouldBe(0);

        pages["/news"] = Page.Html(html);
        await using var second = new TrackerProcess.Service(environment);
        (await second.WaitForHealthAsync(TimeSpan.FromSeconds(90))).StatusCode.ShouldBe(HttpStatusCode.OK, second.Output);
        await WaitAsync(database, "select count(*) from tracker.source_captures where quote = 'found'", 1, TimeSpan.FromSeconds(30));
        await Task.Delay(TimeSpan.FromSeconds(3)); // past another lease: nothing captures it a second time
        (await CountAsync(database, "select count(*) from tracker.source_captures")).ShouldBe(1);
        (await CountAsync(database, "select count(*) from tracker.mt_events where type = 'source_captured'")).ShouldBe(1);
    }

    private static async Task<long> CountAsync(string database, string sql)
    {
        await using var conn = new NpgsqlConnection(database);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    private static async Task WaitAsync(string database, string sql, long atLeast, TimeSpan within)
    {
        var until = DateTime.UtcNow + within;
        while (await CountAsync(database, sql) < atLeast)
        {
            if (DateTime.UtcNow > until) throw new ShouldAssertException($"not reached within {within}: {sql}");
            await Task.Delay(100);
        }
    }
}

/// <summary>The recheck verb as an operator runs it: a malformed age is refused naming the flag, an offline installation
/// says capture is off, and (capture on, pages on loopback) a page that lost its quote is printed as drifted.</summary>
public class RecheckVerbTests
{
    [Fact]
    public async Task sources_recheck_refuses_a_malformed_age_says_when_capture_is_off_and_prints_what_drifted()
    {
        var database = await TestCluster.NewDatabaseAsync("recheck-verb");
        var offline = new Dictionary<string, string?> { ["TRACKER_DB"] = database };
        var malformed = await TrackerProcess.RunAsync(offline, "sources", "recheck", "--older-than", "soon");
        malformed.ExitCode.ShouldNotBe(0);
        malformed.Error.ShouldContain("--older-than: 'soon' is not an age");
        var off = await TrackerProcess.RunAsync(offline, "sources", "recheck");
        off.ExitCode.ShouldNotBe(0);
        off.Error.ShouldContain("capture is off");

        await using var pages = await SourcePages.StartAsync();
        const string quote = "The sides agreed to produce air-defence systems jointly";
        pages["/news"] = Page.Html($"<html><body><p>{quote}, the minister said.</p></body></html>");
        var online = new Dictionary<string, string?>
        {
            ["TRACKER_DB"] = database, ["Tracker__Sources__Capture"] = "true", ["Tracker__Sources__AllowPrivateTargets"] = "true",
            ["Tracker__Sources__AllowedPorts__0"] = pages.Port.ToString(),
        };
        var folder = Directory.CreateTempSubdirectory("recheck-verb").FullName;
        await File.WriteAllTextAsync(Path.Combine(folder, "open.json"), """{"agreementId":"verb","title":"T","parties":["UKR","FRA"]}""");
        await File.WriteAllTextAsync(Path.Combine(folder, "c.json"), """{"commitmentId":"c","title":"C","category":"air-defence"}""");
        var open = await TrackerProcess.RunAsync(online, "open", "--file", Path.Combine(folder, "open.json"));
        open.ExitCode.ShouldBe(0, open.ToString());
        var add = await TrackerProcess.RunAsync(online, "add-commitment", "--agreement", "verb", "--file", Path.Combine(folder, "c.json"));
        add.ExitCode.ShouldBe(0, add.ToString());
        var record = await TrackerProcess.RunAsync(online, "record", "--agreement", "verb", "--said-on", "2025-06-05", "--speaker", "Rustem Umerov",
            "--quote", quote, "--language", "en", "--outlet", "Ministry", "--kind", "press-release", "--url", pages.Url("/news"),
            "--commitment", "c", "--stage", "announced");
        record.ExitCode.ShouldBe(0, record.ToString());
        // No service runs: the verb captures what was never captured, then, the page changed, finds the quote gone.
        var first = await TrackerProcess.RunAsync(online, "sources", "recheck", "--older-than", "0d");
        first.ExitCode.ShouldBe(0, first.ToString());
        first.Error.ShouldContain("drifted: 0");
        pages["/news"] = Page.Html("<html><body><p>Nothing about that here.</p></body></html>");
        var second = await TrackerProcess.RunAsync(online, "sources", "recheck", "--agreement", "verb", "--older-than", "0d");
        second.ExitCode.ShouldBe(0, second.ToString());
        second.Output.ShouldContain("quote no longer present");
    }
}
