using System.Diagnostics;
using System.Net;
using Alba;
using Npgsql;
using Tracker.Tests.Support;

namespace Tracker.Tests.Sources;

/// <summary>Captures give way to requests (the background budget) but are never held back for good: pages cited while
/// requests never stop are still captured within seconds.</summary>
public class CaptureThrottleTests(CaptureHost host) : IClassFixture<CaptureHost>
{
    [Fact]
    public async Task pages_cited_under_requests_that_never_stop_are_still_captured_within_seconds()
    {
        var agreement = "thr-" + Guid.NewGuid().ToString("N")[..10];
        await Send("/api/agreements", new { agreementId = agreement, title = "Joint production", parties = new[] { "UKR", "FRA" } });
        await Send($"/api/agreements/{agreement}/commitments", new { commitmentId = "air-defence", title = "Air defence", category = "air-defence" });

        await using var load = new RequestLoad(host.Host, host.AnalystToken);
        var statements = new List<Guid>();
        for (var i = 0; i < 3; i++)
        {
            var path = $"/throttle/{agreement}/{i}";
            host.Pages[path] = Page.Html($"<html><body><article><p>The sides agreed to produce air-defence systems jointly ({i}).</p></article></body></html>");
            var id = Guid.NewGuid();
            await Send($"/api/agreements/{agreement}/statements", new
            {
                statementId = id, saidOn = "2025-06-05", speaker = new { name = "Rustem Umerov", actor = "UKR" },
                quote = "The sides agreed to produce air-defence systems jointly", language = "en",
                source = new { outlet = "Ministry of Defence", kind = "press-release", url = host.Pages.Url(path) },
                assertions = new[] { new { commitmentId = "air-defence", stage = "announced" } },
            });
            statements.Add(id);
        }
        var served = load.Requests;

        var clock = Stopwatch.StartNew();
        while (await CapturedAsync(agreement) < statements.Count && clock.Elapsed < TimeSpan.FromSeconds(20)) await Task.Delay(100);
        (await CapturedAsync(agreement)).ShouldBe(statements.Count, "every cited page captured within 20 s under load");
        load.Requests.ShouldBeGreaterThan(served, "the requests went on while the pages were captured");
    }

    private async Task Send(string url, object body) => await host.Host.Scenario(s =>
    {
        s.Post.Json(body).ToUrl(url);
        s.WithBearerToken(host.AnalystToken);
        s.StatusCodeShouldBe(HttpStatusCode.Created);
    });

    private async Task<long> CapturedAsync(string agreement)
    {
        await using var conn = new NpgsqlConnection(host.Database);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("select count(*) from tracker.source_captures where agreement_id = @a and quote = 'found'", conn);
        cmd.Parameters.AddWithValue("a", agreement);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }
}
