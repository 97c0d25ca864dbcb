using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Alba;
using Microsoft.Extensions.DependencyInjection;
using Tracker.Security;
using Tracker.Tests.Support;

namespace Tracker.Tests.Following.Webhooks;

/// <summary>The service on a database of its own with the seed case loaded, its receivers allowed on loopback and
/// its retries shortened to seconds (the same schedule, scaled: doubling from 0.2 s to 1 s, dead after 6 s).</summary>
public sealed class WebhookHost : IAsyncLifetime
{
    public IAlbaHost Host { get; private set; } = null!;
    public string Database { get; private set; } = "";
    public string AnalystToken { get; private set; } = "";
    public static readonly TimeSpan RetryFor = TimeSpan.FromSeconds(6);
    public const int MaxPerUser = 20;

    public async Task InitializeAsync()
    {
        Database = await TestCluster.NewDatabaseAsync("webhooks");
        Host = await TrackerApp.StartAsync(Database, ("Tracker:LoadSeeds", "true"), ("Tracker:RateLimit:PermitsPerMinute", "100000"),
            ("Tracker:Webhooks:AllowPrivateTargets", "true"), ("Tracker:Webhooks:FirstRetryDelay", "00:00:00.2"),
            ("Tracker:Webhooks:MaxRetryDelay", "00:00:01"), ("Tracker:Webhooks:RetryFor", RetryFor.ToString()),
            ("Tracker:Webhooks:MaxPerUser", MaxPerUser.ToString()));
        AnalystToken = (await Host.Services.GetRequiredService<UserAdministration>().AddAsync(TrackerApp.Analyst, Roles.Analyst)).Token;
    }

    /// <summary>POSTs as the analyst, expecting <paramref name="expected"/>; the answer's JSON.</summary>
    public async Task<JsonNode> PostAsync(string url, object body, HttpStatusCode expected = HttpStatusCode.Created)
    {
        var result = await Host.Scenario(s =>
        {
            s.Post.Json(body).ToUrl(url);
            s.WithBearerToken(AnalystToken);
            s.StatusCodeShouldBe(expected);
        });
        return JsonNode.Parse(await result.ReadAsTextAsync())!;
    }

    public async Task DisposeAsync() => await Host.DisposeAsync();
}

/// <summary>A ministry desk subscribes its system to the air-defence commitment's status: every change comes as one
/// signed POST within two seconds, nothing else comes, and a receiver that is down gets what it missed.</summary>
public class WebhookStories(WebhookHost host) : IClassFixture<WebhookHost>
{
    private const string Seed = "ua-fr-defence-industry";
    private const string AirDefence = "air-defence-joint-production";

    private Task<JsonNode> Post(string url, object body, HttpStatusCode expected = HttpStatusCode.Created) =>
        host.PostAsync(url, body, expected);

    private async Task<JsonNode> Get(string url)
    {
        var result = await host.Host.Scenario(s =>
        {
            s.Get.Url(url);
            s.WithBearerToken(host.AnalystToken);
        });
        return JsonNode.Parse(await result.ReadAsTextAsync())!;
    }

    private async Task<(string Id, string Secret)> Subscribe(Receiver receiver, string agreement)
    {
        var created = await Post("/api/subscriptions", new { url = receiver.Url, filter = new { agreement }, events = new[] { "status-changed" } });
        return (created["id"]!.ToString(), created["secret"]!.ToString());
    }

    private async Task<string> OpenAsync()
    {
        var id = "wh-" + Guid.NewGuid().ToString("N")[..10];
        await Post("/api/agreements", new { agreementId = id, title = "Joint production", parties = new[] { "UKR", "FRA" } });
        await Post($"/api/agreements/{id}/commitments", new { commitmentId = AirDefence, title = "Air defence", category = "air-defence" });
        return id;
    }

    [Fact]
    public async Task announcing_air_defence_is_one_signed_post_within_two_seconds_a_corroboration_none_and_the_retraction_one()
    {
        await using var receiver = await Receiver.StartAsync();
        var (subscription, secret) = await Subscribe(receiver, Seed);
        secret.ShouldStartWith("whsec_");

        var announced = Guid.NewGuid();
        await Post($"/api/agreements/{Seed}/statements", Api.Statement(AirDefence, "announced", saidOn: "2025-09-02", id: announced));
        var committed = DateTimeOffset.UtcNow;

        var first = (await receiver.WaitForAsync(1, TimeSpan.FromSeconds(2))).ShouldHaveSingleItem();
        (first.At - committed).ShouldBeLessThan(TimeSpan.FromSeconds(2));
        first.Verify(secret);
        Should.Throw<Exception>(() => first.Verify(Tracker.Following.Webhooks.WebhookSecrets.New()), "a signature any secret would pass proves nothing");
        var body = first.Json;
        body["type"]!.ToString().ShouldBe("status-changed");
        body["subscriptionId"]!.ToString().ShouldBe(subscription);
        var change = body["data"]!;
        (change["agreementId"]!.ToString(), change["commitmentId"]!.ToString(), change["statementId"]!.ToString())
            .ShouldBe((Seed, AirDefence, announced.ToString()));
        (change["before"]!["stage"]!.ToString(), change["after"]!["stage"]!.ToString()).ShouldBe(("under-examination", "announced"));
        change["recordedBy"]!.ToString().ShouldBe(TrackerApp.Analyst);
        change["chainHash"]!.ToString().Length.ShouldBe(64);
        body["links"]!["workbench"]!.ToString().ShouldBe($"/agreements/{Seed}/commitments/{AirDefence}");
        body["links"]!["api"]!.ToString().ShouldBe($"/api/agreements/{Seed}/commitments/{AirDefence}");
        // The feed says the same: the body's entry is the feed's entry.
        var feed = await Get($"/api/feed?agreement={Seed}&limit=1000");
        JsonNode.DeepEquals(feed["entries"]!.AsArray().Single(e => e!["cursor"]!.ToString() == change["cursor"]!.ToString()), change).ShouldBeTrue();

        var corroboration = Guid.NewGuid();
        await Post($"/api/agreements/{Seed}/statements", Api.Statement(AirDefence, "announced", saidOn: "2025-09-03", actor: "FRA",
            speaker: "Sébastien Lecornu", id: corroboration));
        // Retracting the corroboration leaves it announced (nothing to send); retracting the announcement moves it back.
        await Post($"/api/agreements/{Seed}/statements/{corroboration}/retraction", new { reason = "misattributed" });
        await Post($"/api/agreements/{Seed}/statements/{announced}/retraction", new { reason = "the ministry denied it" });

        var both = await receiver.WaitForAsync(2, TimeSpan.FromSeconds(5));
        await Task.Delay(TimeSpan.FromSeconds(1)); // anything more would have come by now
        receiver.Requests.Count.ShouldBe(2, "one POST for the announcement, none for the corroboration or its retraction, one for the retraction that moves it back");
        var back = both[1];
        back.Verify(secret);
        back.Json["data"]!["statementId"]!.ToString().ShouldBe(announced.ToString());
        back.Json["data"]!["reason"]!.ToString().ShouldBe("the ministry denied it");
        (back.Json["data"]!["before"]!["stage"]!.ToString(), back.Json["data"]!["after"]!["stage"]!.ToString())
            .ShouldBe(("announced", "under-examination"));
        back.Id.ShouldNotBe(first.Id);
        var delivered = await Get($"/api/subscriptions/{subscription}/deliveries?state=delivered");
        delivered["deliveries"]!.AsArray().Select(d => d!["webhookId"]!.ToString()).ShouldBe([back.Id, first.Id]);
    }

    [Fact]
    public async Task a_subscription_to_a_party_and_a_category_hears_only_changes_within_both()
    {
        // A party no other test's agreement has, so changes written meanwhile by other tests cannot reach this receiver.
        var party = "WH" + Guid.NewGuid().ToString("N")[..6].ToUpperInvariant();
        await Post("/api/actors", new { actorId = party, kind = "company", name = "Webhook Test Works " + party });
        await using var receiver = await Receiver.StartAsync();
        await Post("/api/subscriptions", new { url = receiver.Url, filter = new { party, category = "drones" }, events = new[] { "status-changed" } });

        async Task<string> Open(string[] parties)
        {
            var id = "wh-" + Guid.NewGuid().ToString("N")[..10];
            await Post("/api/agreements", new { agreementId = id, title = "Drones", parties });
            await Post($"/api/agreements/{id}/commitments", new { commitmentId = "drones", title = "Drones", category = "drones" });
            await Post($"/api/agreements/{id}/commitments", new { commitmentId = AirDefence, title = "Air defence", category = "air-defence" });
            return id;
        }
        var theirs = await Open(["UKR", party]);
        var others = await Open(["UKR", "FRA"]);
        await Post($"/api/agreements/{others}/statements", Api.Statement("drones", "announced", saidOn: "2025-09-01"));
        await Post($"/api/agreements/{theirs}/statements", Api.Statement(AirDefence, "announced", saidOn: "2025-09-01"));
        await Post($"/api/agreements/{theirs}/statements", Api.Statement("drones", "announced", saidOn: "2025-09-02"));

        var heard = (await receiver.WaitForAsync(1, TimeSpan.FromSeconds(5))).ShouldHaveSingleItem();
        await Task.Delay(TimeSpan.FromSeconds(1)); // anything more would have come by now
        receiver.Requests.Count.ShouldBe(1, "only the drones change of an agreement the party is in");
        (heard.Json["data"]!["agreementId"]!.ToString(), heard.Json["data"]!["commitmentId"]!.ToString()).ShouldBe((theirs, "drones"));
    }

    [Fact]
    public async Task a_receiver_that_is_down_gets_the_change_when_it_is_back_with_the_same_webhook_id()
    {
        var id = await OpenAsync();
        await using var receiver = await Receiver.StartAsync();
        var (subscription, secret) = await Subscribe(receiver, id);
        await receiver.StopAsync();

        await Post($"/api/agreements/{id}/statements", Api.Statement(AirDefence, "announced"));
        // Down for three seconds (the product retries for 26 hours; here the window is six seconds, the schedule the same).
        // The delivery is written by the dispatcher in the background (it may wait its turn behind this test's requests).
        var down = Stopwatch.StartNew();
        JsonNode? pending;
        do
        {
            await Task.Delay(250);
            pending = (await Get($"/api/subscriptions/{subscription}/deliveries?state=pending"))["deliveries"]!.AsArray().SingleOrDefault();
        } while ((pending is null || down.Elapsed < TimeSpan.FromSeconds(3)) && down.Elapsed < TimeSpan.FromSeconds(10));
        pending.ShouldNotBeNull("the delivery is pending while the receiver is down");
        pending["attempts"]!.GetValue<int>().ShouldBeGreaterThan(1);
        pending["lastError"]!.ToString().ShouldNotBeNullOrEmpty();
        receiver.Requests.ShouldBeEmpty();

        await receiver.StartAgainAsync();
        var got = (await receiver.WaitForAsync(1, TimeSpan.FromSeconds(5))).ShouldHaveSingleItem();
        got.Verify(secret);
        got.Id.ShouldBe(pending["webhookId"]!.ToString());
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        receiver.Requests.Count.ShouldBe(1);
    }

    [Fact]
    public async Task a_change_refused_for_the_whole_retry_window_is_a_dead_letter_and_a_retry_delivers_it()
    {
        var id = await OpenAsync();
        await using var receiver = await Receiver.StartAsync();
        receiver.Status = 500;
        var (subscription, secret) = await Subscribe(receiver, id);

        await Post($"/api/agreements/{id}/statements", Api.Statement(AirDefence, "signed"));
        JsonNode? dead = null;
        var waited = Stopwatch.StartNew();
        while (dead is null && waited.Elapsed < WebhookHost.RetryFor * 3)
        {
            await Task.Delay(250);
            dead = (await Get($"/api/subscriptions/{subscription}/deliveries?state=dead"))["deliveries"]!.AsArray().SingleOrDefault();
        }
        dead.ShouldNotBeNull("dead-lettered once the retry window is over");
        dead["lastStatus"]!.GetValue<int>().ShouldBe(500);
        var attempts = dead["attempts"]!.GetValue<int>();
        attempts.ShouldBeGreaterThan(3);
        receiver.Requests.Count.ShouldBe(attempts);
        receiver.Requests.Select(r => r.Id).Distinct().ShouldHaveSingleItem("every attempt is the same message");

        receiver.Status = 200;
        var retried = await Post($"/api/subscriptions/{subscription}/deliveries/{dead["id"]}/retry", new { }, HttpStatusCode.OK);
        retried["state"]!.ToString().ShouldBe("pending");
        await receiver.WaitForAsync(attempts + 1, TimeSpan.FromSeconds(3));
        receiver.Requests[^1].Verify(secret);
        // The receiver has the POST a moment before the sender records its answer (answers are recorded in batches).
        var recorded = Stopwatch.StartNew();
        while (!(await Get($"/api/subscriptions/{subscription}/deliveries?state=delivered"))["deliveries"]!.AsArray()
                   .Any(d => d!["id"]!.ToString() == dead["id"]!.ToString()) && recorded.Elapsed < TimeSpan.FromSeconds(5))
            await Task.Delay(100);
        await Post($"/api/subscriptions/{subscription}/deliveries/{dead["id"]}/retry", new { }, HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task at_the_workbench_an_analyst_subscribes_sees_the_dead_letter_and_retries_it()
    {
        var id = await OpenAsync();
        await using var receiver = await Receiver.StartAsync();
        receiver.Status = 503;
        using var analyst = new WorkbenchClient(host.Host);
        await analyst.SignInAsync(TrackerApp.Analyst, host.AnalystToken);

        var page = await analyst.GetAsync("/subscriptions");
        page.Status.ShouldBe(HttpStatusCode.OK);
        var refused = await analyst.PostAsync(page, "/subscriptions?handler=subscribe", ("Form.Url", receiver.Url),
            ("Form.Agreement", "no-such-agreement"), ("Form.Events", "status-changed"));
        refused.Status.ShouldBe(HttpStatusCode.BadRequest);
        refused.Text.ShouldContain("no-such-agreement");
        var created = await analyst.PostAsync(page, "/subscriptions?handler=subscribe", ("Form.Url", receiver.Url),
            ("Form.Agreement", id), ("Form.Events", "status-changed"), ("Form.Events", "statement-retracted"));
        created.Status.ShouldBe(HttpStatusCode.OK, created.Text);
        var secret = created.Element("secret");
        secret.ShouldStartWith("whsec_");
        (await analyst.GetAsync("/subscriptions")).Html.ShouldNotContain(secret, Case.Sensitive, "the secret is shown only once");

        await Post($"/api/agreements/{id}/statements", Api.Statement(AirDefence, "announced"));
        WorkbenchClient.Page listed;
        var waited = Stopwatch.StartNew();
        do
        {
            await Task.Delay(300);
            listed = await analyst.GetAsync("/subscriptions");
        } while (!listed.Html.Contains("handler=retry", StringComparison.Ordinal) && waited.Elapsed < WebhookHost.RetryFor * 3);
        listed.Html.ShouldContain("handler=retry", Case.Sensitive, "the dead letter with its Retry button");
        listed.Text.ShouldContain($"status-changed: {id} / {AirDefence}");
        listed.Text.ShouldContain("503");
        listed.Html.ShouldNotContain("<script");
        var attempts = receiver.Requests.Count;

        receiver.Status = 204;
        var delivery = System.Text.RegularExpressions.Regex.Match(listed.Html, "name=\"delivery\" value=\"(\\d+)\"").Groups[1].Value;
        var subscription = System.Text.RegularExpressions.Regex.Match(listed.Html, "name=\"subscription\" value=\"([0-9a-f-]+)\"").Groups[1].Value;
        var retried = await analyst.PostAsync(listed, "/subscriptions?handler=retry", ("subscription", subscription), ("delivery", delivery));
        retried.Status.ShouldBe(HttpStatusCode.Redirect, retried.Text);
        (await receiver.WaitForAsync(attempts + 1, TimeSpan.FromSeconds(3)))[^1].Verify(secret);
    }
    [Fact]
    public async Task one_user_cannot_subscribe_past_the_cap_even_all_at_once_and_removing_one_makes_room()
    {
        var id = await OpenAsync();
        var desk = "desk-" + Guid.NewGuid().ToString("N")[..8];
        var token = (await host.Host.Services.GetRequiredService<UserAdministration>().AddAsync(desk, Roles.Analyst)).Token;
        async Task<IScenarioResult> SubscribeAs(string user, string bearer) => await host.Host.Scenario(s =>
        {
            s.Post.Json(new { url = "https://93.184.215.14/hooks/" + user, filter = new { agreement = id } }).ToUrl("/api/subscriptions");
            s.WithBearerToken(bearer);
            s.IgnoreStatusCode();
        });

        var answers = await Task.WhenAll(Enumerable.Range(0, WebhookHost.MaxPerUser + 5).Select(_ => SubscribeAs(desk, token)));
        answers.Count(a => a.Context.Response.StatusCode == 201).ShouldBe(WebhookHost.MaxPerUser, "concurrent requests are counted one after the other");
        var refused = answers.Where(a => a.Context.Response.StatusCode != 201).ToList();
        refused.Count.ShouldBe(5);
        foreach (var r in refused)
        {
            r.Context.Response.StatusCode.ShouldBe(409);
            (await r.ReadAsTextAsync()).ShouldContain("Tracker:Webhooks:MaxPerUser");
        }
        (await SubscribeAs(TrackerApp.Analyst, host.AnalystToken)).Context.Response.StatusCode.ShouldBe(201, "the cap is per user");

        var listed = await host.Host.Scenario(s => { s.Get.Url("/api/subscriptions"); s.WithBearerToken(token); });
        var first = JsonNode.Parse(await listed.ReadAsTextAsync())!.AsArray();
        first.Count.ShouldBe(WebhookHost.MaxPerUser);
        await host.Host.Scenario(s => { s.Delete.Url($"/api/subscriptions/{first[0]!["id"]}"); s.WithBearerToken(token); s.StatusCodeShouldBe(204); });
        (await SubscribeAs(desk, token)).Context.Response.StatusCode.ShouldBe(201, "a removed subscription no longer counts");
    }
}
