using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Npgsql;
using Tracker.Tests.Support;

namespace Tracker.Tests.Following.Webhooks;

/// <summary>The built service as real processes on one database: killed with <c>kill -9</c> between a write's commit and
/// its delivery, or in the middle of the POST; and two instances serving at once.</summary>
public class WebhookCrashTests
{
    private const string Seed = "ua-fr-defence-industry";
    private const string AirDefence = "air-defence-joint-production";

    private static async Task<(Dictionary<string, string?> Environment, string Token)> PrepareAsync(string purpose,
        params (string Key, string Value)[] settings)
    {
        var environment = new Dictionary<string, string?>
        {
            ["TRACKER_DB"] = await TestCluster.NewDatabaseAsync(purpose), ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["Tracker__LoadSeeds"] = "true", ["Tracker__RateLimit__PermitsPerMinute"] = "100000",
            ["Tracker__Webhooks__AllowPrivateTargets"] = "true",
        };
        foreach (var (k, v) in settings) environment[k] = v;
        var add = await TrackerProcess.RunAsync(environment, "users", "add", "desk", "--role", "analyst");
        add.ExitCode.ShouldBe(0, add.ToString());
        return (environment, add.Output.Split('\n').Select(l => l.Trim()).Single(l => l.StartsWith("trk_", StringComparison.Ordinal)));
    }

    private static async Task<TrackerProcess.Service> StartAsync(Dictionary<string, string?> environment)
    {
        var service = new TrackerProcess.Service(environment);
        (await service.WaitForHealthAsync(TimeSpan.FromSeconds(90))).StatusCode.ShouldBe(HttpStatusCode.OK, service.Output);
        return service;
    }

    private static HttpClient Client(TrackerProcess.Service service, string token)
    {
        var http = new HttpClient { BaseAddress = new Uri(service.Url) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http;
    }

    private static async Task<JsonNode> PostAsync(HttpClient http, string url, object body)
    {
        using var response = await http.PostAsJsonAsync(url, body);
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.Created, text);
        return JsonNode.Parse(text)!;
    }

    private static async Task<string> SubscribeAsync(HttpClient http, Receiver receiver, string agreement) =>
        (await PostAsync(http, "/api/subscriptions", new { url = receiver.Url, filter = new { agreement } }))["secret"]!.ToString();

    private static async Task<long> CountAsync(string database, string sql)
    {
        await using var conn = new NpgsqlConnection(database);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task killed_right_after_the_201_the_change_is_delivered_after_the_restart()
    {
        // The dispatcher looks once at start and then only hourly: the kill surely comes before it sees the change.
        var (environment, token) = await PrepareAsync("hook_kill", ("Tracker__Webhooks__PollInterval", "01:00:00"));
        await using var receiver = await Receiver.StartAsync();
        string secret;
        await using (var service = await StartAsync(environment))
        {
            using var http = Client(service, token);
            secret = await SubscribeAsync(http, receiver, Seed);
            await PostAsync(http, $"/api/agreements/{Seed}/statements", Api.Statement(AirDefence, "announced", saidOn: "2025-09-02"));
            await service.KillAsync();
        }
        (await CountAsync(environment["TRACKER_DB"]!, "select count(*) from tracker.webhook_deliveries")).ShouldBe(0,
            "killed before the change was dispatched");
        receiver.Requests.ShouldBeEmpty();

        await using (await StartAsync(environment))
        {
            var got = (await receiver.WaitForAsync(1, TimeSpan.FromSeconds(10))).ShouldHaveSingleItem();
            got.Verify(secret);
            got.Json["data"]!["after"]!["stage"]!.ToString().ShouldBe("announced");
        }
    }

    [Fact]
    public async Task killed_in_the_middle_of_the_post_the_change_is_sent_again_after_the_restart_with_the_same_webhook_id()
    {
        var (environment, token) = await PrepareAsync("hook_midpost", ("Tracker__Webhooks__Lease", "00:00:03"),
            ("Tracker__Webhooks__Timeout", "00:00:02"));
        await using var receiver = await Receiver.StartAsync();
        receiver.Delay = TimeSpan.FromSeconds(30); // holds the first POST open until the service is killed
        await using (var service = await StartAsync(environment))
        {
            using var http = Client(service, token);
            await SubscribeAsync(http, receiver, Seed);
            await PostAsync(http, $"/api/agreements/{Seed}/statements", Api.Statement(AirDefence, "announced", saidOn: "2025-09-02"));
            await receiver.WaitForAsync(1, TimeSpan.FromSeconds(5));
            await service.KillAsync();
        }
        receiver.Delay = TimeSpan.Zero;

        await using (await StartAsync(environment))
        {
            var both = await receiver.WaitForAsync(2, TimeSpan.FromSeconds(15));
            both.Select(r => r.Id).Distinct().ShouldHaveSingleItem("the same message again, which the receiver drops by its id");
            both[1].Body.ShouldBe(both[0].Body);
        }
    }

    [Fact]
    public async Task two_instances_on_one_database_deliver_each_change_once_between_them()
    {
        var (environment, token) = await PrepareAsync("hook_two");
        await using var receiver = await Receiver.StartAsync();
        await using var first = await StartAsync(environment);
        await using var second = await StartAsync(environment);
        using var a = Client(first, token);
        using var b = Client(second, token);
        const string agreement = "two-instances";
        await PostAsync(a, "/api/agreements", new { agreementId = agreement, title = "Two instances", parties = new[] { "UKR", "FRA" } });
        foreach (var c in new[] { "c0", "c1" })
            await PostAsync(a, $"/api/agreements/{agreement}/commitments", new { commitmentId = c, title = "Air defence " + c, category = "air-defence" });
        await SubscribeAsync(b, receiver, agreement);

        // Both instances write at once, each on its own commitment: both dispatch and send, racing for the same rows.
        // Each statement moves its commitment to announced and each retraction back: two status changes a round.
        await Task.WhenAll(Enumerable.Range(0, 2).Select(w => Task.Run(async () =>
        {
            var http = w == 0 ? a : b;
            for (var i = 0; i < 6; i++)
            {
                var id = Guid.NewGuid();
                await PostAsync(http, $"/api/agreements/{agreement}/statements", Api.Statement($"c{w}", "announced", id: id));
                await PostAsync(http, $"/api/agreements/{agreement}/statements/{id}/retraction", new { reason = "test" });
            }
        })));

        var feed = JsonNode.Parse(await a.GetStringAsync($"/api/feed?agreement={agreement}&limit=1000"))!["entries"]!.AsArray()
            .Where(e => e!["kind"]!.ToString() == "status-changed").Select(e => e!["cursor"]!.ToString()).ToList();
        feed.Count.ShouldBe(24);
        await receiver.WaitForAsync(feed.Count, TimeSpan.FromSeconds(20));
        await Task.Delay(TimeSpan.FromSeconds(2)); // a second copy would have come by now
        var received = receiver.Requests;
        received.Select(r => r.Id).Distinct().Count().ShouldBe(received.Count, "a change was delivered twice");
        received.Select(r => r.Json["data"]!["cursor"]!.ToString()).Order().ShouldBe(feed.Order());
    }
}
