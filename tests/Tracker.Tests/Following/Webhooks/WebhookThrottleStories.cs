using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Alba;
using Microsoft.Extensions.DependencyInjection;
using Tracker.Infrastructure.Background;
using Tracker.Tests.Support;

namespace Tracker.Tests.Following.Webhooks;

/// <summary>Deliveries give way to requests (the background budget, default share) but are never held back for good:
/// under requests that never stop a change still arrives within seconds, and a burst of changes made under load arrives
/// whole, each delivery once, once the load is over.</summary>
public class WebhookThrottleStories(WebhookHost host) : IClassFixture<WebhookHost>
{
    private const string AirDefence = "air-defence-joint-production";

    private Task<JsonNode> Post(string url, object body, HttpStatusCode expected = HttpStatusCode.Created) =>
        host.PostAsync(url, body, expected);

    private async Task<string> OpenAsync()
    {
        var id = "wt-" + Guid.NewGuid().ToString("N")[..10];
        await Post("/api/agreements", new { agreementId = id, title = "Joint production", parties = new[] { "UKR", "FRA" } });
        await Post($"/api/agreements/{id}/commitments", new { commitmentId = AirDefence, title = "Air defence", category = "air-defence" });
        return id;
    }

    private async Task<(string Id, string Secret)> Subscribe(Receiver receiver, string agreement)
    {
        var created = await Post("/api/subscriptions", new { url = receiver.Url, filter = new { agreement }, events = new[] { "status-changed" } });
        return (created["id"]!.ToString(), created["secret"]!.ToString());
    }

    private BackgroundBudget Budget => host.Host.Services.GetRequiredService<BackgroundBudget>();

    private async Task BusyAsync()
    {
        var clock = Stopwatch.StartNew();
        while (!Budget.Busy && clock.Elapsed < TimeSpan.FromSeconds(10)) await Task.Delay(10);
        Budget.Busy.ShouldBeTrue("the load keeps the service busy");
    }

    [Fact]
    public async Task under_requests_that_never_stop_a_change_is_still_delivered_within_seconds()
    {
        await using var receiver = await Receiver.StartAsync();
        var agreement = await OpenAsync();
        var (_, secret) = await Subscribe(receiver, agreement);

        await using var load = new RequestLoad(host.Host, host.AnalystToken);
        await BusyAsync();
        await Post($"/api/agreements/{agreement}/statements", Api.Statement(AirDefence, "announced"));
        var served = load.Requests;

        var delivered = (await receiver.WaitForAsync(1, TimeSpan.FromSeconds(15))).ShouldHaveSingleItem();
        delivered.Verify(secret);
        load.Requests.ShouldBeGreaterThan(served, "the requests went on while the delivery was made");
        Budget.Busy.ShouldBeTrue("delivered while the service was still busy, not after the load");
    }

    [Fact]
    public async Task a_burst_of_changes_under_load_arrives_whole_after_it_each_delivery_once()
    {
        await using var receiver = await Receiver.StartAsync();
        var agreement = await OpenAsync();
        var subscriptions = new Dictionary<string, string>();
        for (var i = 0; i < 3; i++)
        {
            var (id, secret) = await Subscribe(receiver, agreement);
            subscriptions[id] = secret;
        }

        const int pairs = 10; // each an announcement and its retraction: two status changes
        await using (new RequestLoad(host.Host, host.AnalystToken))
        {
            await BusyAsync();
            for (var i = 0; i < pairs; i++)
            {
                var statement = Guid.NewGuid();
                await Post($"/api/agreements/{agreement}/statements", Api.Statement(AirDefence, "announced", id: statement));
                await Post($"/api/agreements/{agreement}/statements/{statement}/retraction", new { reason = "burst" });
            }
        }

        var expected = pairs * 2 * subscriptions.Count;
        var all = await receiver.WaitForAsync(expected, TimeSpan.FromSeconds(60));
        await Task.Delay(TimeSpan.FromSeconds(1)); // a second copy would have come by now
        receiver.Requests.Count.ShouldBe(expected, "one POST per change and subscription");
        all.Select(r => r.Id).Distinct().Count().ShouldBe(expected);
        foreach (var request in all) request.Verify(subscriptions[request.Json["subscriptionId"]!.ToString()]);
    }
}
