using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Alba;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Tracker.Security;
using Tracker.Tests.Support;

namespace Tracker.Tests.Following;

/// <summary>The feed as a mirror relies on it: facts survive a projection rebuild unchanged, the CLI prints what the API
/// answers, and a reader following the cursor under concurrent writers sees every entry once, in commit order.</summary>
public class FeedDurabilityTests
{
    private const string AirDefence = "air-defence-joint-production";

    private static async Task<(IAlbaHost Host, HttpClient Client)> StartAsync(string database)
    {
        var host = await TrackerApp.StartAsync(database, ("Tracker:RateLimit:PermitsPerMinute", "1000000"));
        var token = (await host.Services.GetRequiredService<UserAdministration>().AddAsync("pat", Roles.Analyst)).Token;
        var client = host.Server.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return (host, client);
    }

    private static async Task Post(HttpClient client, string url, object body)
    {
        using var response = await client.PostAsJsonAsync(url, body);
        ((int)response.StatusCode).ShouldBe(201, await response.Content.ReadAsStringAsync());
    }

    private static async Task Open(HttpClient client, string id)
    {
        await Post(client, "/api/agreements", new { agreementId = id, title = "Joint production " + id, parties = new[] { "UKR", "FRA" } });
        await Post(client, $"/api/agreements/{id}/commitments", new { commitmentId = AirDefence, title = "Air defence", category = "air-defence" });
    }

    /// <summary>Every entry as the chain orders it, straight from the tables: what the feed must give.</summary>
    private static async Task<List<string>> ChainOrderAsync(string database)
    {
        await using var conn = new NpgsqlConnection(database);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("""
            select c.position || '.' || f.slot || ' ' || f.kind || ' ' || encode(c.hash, 'hex') || ' ' || coalesce(f.before::text, '')
                   || ' ' || coalesce(f.after::text, '')
            from tracker.change_log f join tracker.event_chain c on c.seq_id = f.seq_id order by c.position, f.slot
            """, conn);
        var rows = new List<string>();
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync()) rows.Add(reader.GetString(0));
        return rows;
    }

    private static async Task<long> StatementEventsAsync(string database)
    {
        await using var conn = new NpgsqlConnection(database);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("""
            select count(*) from tracker.event_chain c join tracker.mt_events e on e.seq_id = c.seq_id
            where e.type in ('statement_recorded', 'statement_corrected', 'statement_retracted')
            """, conn);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task a_projection_rebuild_keeps_every_fact_once_and_the_feed_verb_prints_what_the_api_answers()
    {
        var database = await TestCluster.NewDatabaseAsync("feed_rebuild");
        var (host, client) = await StartAsync(database);
        string apiLines;
        await using (host)
        {
            await Open(client, "ua-fr");
            var announced = Guid.NewGuid();
            await Post(client, "/api/agreements/ua-fr/statements", Api.Statement(AirDefence, "under-examination", saidOn: "2025-06"));
            await Post(client, "/api/agreements/ua-fr/statements", Api.Statement(AirDefence, "announced", saidOn: "2025-09-02", id: announced));
            await Post(client, $"/api/agreements/ua-fr/statements/{announced}/retraction", new { reason = "denied" });
            var page = JsonNode.Parse(await client.GetStringAsync("/api/feed?limit=1000"))!;
            apiLines = string.Join("\n", page["entries"]!.AsArray().Select(e => e!["cursor"]!.ToString()));
        }
        var before = await ChainOrderAsync(database);
        before.Count(r => r.Contains(" status-changed ")).ShouldBe(3);
        before.Count.ShouldBe(6);

        var environment = new Dictionary<string, string?> { ["TRACKER_DB"] = database };
        var rebuild = await TrackerProcess.RunAsync(environment, "projections", "rebuild");
        rebuild.ExitCode.ShouldBe(0, rebuild.ToString());

        (await ChainOrderAsync(database)).ShouldBe(before);
        var feed = await TrackerProcess.RunAsync(environment, "feed", "--limit", "1000");
        feed.ExitCode.ShouldBe(0, feed.ToString());
        var lines = feed.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        string.Join("\n", lines.Select(l => JsonNode.Parse(l)!["cursor"]!.ToString())).ShouldBe(apiLines);
        var second = await TrackerProcess.RunAsync(environment, "feed", "--after", JsonNode.Parse(lines[2])!["cursor"]!.ToString(), "-c", "air-defence");
        second.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length.ShouldBe(3, second.ToString());
        var refused = await TrackerProcess.RunAsync(environment, "feed", "--party", "nowhere-land");
        refused.ExitCode.ShouldNotBe(0);
        refused.Error.ShouldContain("--party");
    }

    [Fact]
    public async Task eight_writers_for_ten_seconds_and_a_reader_following_the_cursor_sees_every_entry_once_in_commit_order()
    {
        var database = await TestCluster.NewDatabaseAsync("feed_race");
        var (host, client) = await StartAsync(database);
        await using var _ = host;
        const int writers = 8;
        for (var w = 0; w < writers; w++) await Open(client, $"w{w}");

        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var written = 0;
        var stages = new[] { "raised", "under-examination", "announced", "signed" };
        var writing = Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            var previous = (Guid?)null;
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                var id = Guid.NewGuid();
                await Post(client, $"/api/agreements/w{w}/statements", Api.Statement(AirDefence, stages[i % stages.Length],
                    saidOn: DateOnly.FromDayNumber(new DateOnly(2020, 1, 1).DayNumber + i).ToString("yyyy-MM-dd"), id: id));
                // Every third write retracts the previous statement: tombstones and moves back, beside moves up.
                if (i % 3 == 2 && previous is { } p)
                    await Post(client, $"/api/agreements/w{w}/statements/{p}/retraction", new { reason = "test" });
                previous = id;
                Interlocked.Increment(ref written);
            }
        })).ToList();

        var seen = new List<(long Position, string Cursor, string Kind)>();
        string? cursor = null;
        async Task<bool> ReadPage()
        {
            var page = JsonNode.Parse(await client.GetStringAsync($"/api/feed?limit=37{(cursor is null ? "" : "&after=" + cursor)}"))!;
            seen.AddRange(page["entries"]!.AsArray().Select(e => (e!["position"]!.GetValue<long>(), e["cursor"]!.ToString(), e["kind"]!.ToString())));
            cursor = page["cursor"]!.ToString();
            return page["more"]!.GetValue<bool>();
        }
        while (!writing.All(t => t.IsCompleted)) await ReadPage();
        await Task.WhenAll(writing);
        while (await ReadPage()) { }

        written.ShouldBeGreaterThan(writers * 5);
        var chain = await ChainOrderAsync(database);
        seen.Select(s => s.Cursor).Distinct().Count().ShouldBe(seen.Count, "an entry was read twice");
        seen.Count.ShouldBe(chain.Count, "an entry was skipped");
        seen.Select(s => s.Position).ShouldBe(seen.Select(s => s.Position).Order(), "entries out of commit order");
        seen.Select(s => $"{s.Position} {s.Kind}").ShouldBe(chain.Select(c => c.Split(' ')[0].Split('.')[0] + " " + c.Split(' ')[1]));
        seen.Count(s => s.Kind.StartsWith("statement-", StringComparison.Ordinal)).ShouldBe((int)await StatementEventsAsync(database));
        seen.Count(s => s.Kind == "status-changed").ShouldBeGreaterThan(writers * 3);
    }
}
