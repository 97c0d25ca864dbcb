using System.Net;
using System.Text.Json.Nodes;
using Npgsql;
using Tracker.Tests.Support;

namespace Tracker.Tests.Following.Webhooks;

/// <summary>Subscribing over the API as the product runs by default (private targets not allowed): what is refused and
/// why, that nothing refused is stored, who may subscribe and whose subscriptions one sees and removes.</summary>
[Collection(AppCollection.Name)]
public class SubscriptionApiStories(TrackerApp app)
{
    private readonly Api _analyst = new(app);
    private const string Public = "https://93.184.215.14/hooks/tracker"; // stored, never contacted: nothing these tests write matches it

    private async Task<long> StoredAsync()
    {
        await using var conn = new NpgsqlConnection(app.ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("select count(*) from tracker.webhook_subscriptions", conn);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    /// <summary>A filter nothing is ever written to: an agreement opened here and never spoken of.</summary>
    private async Task<string> QuietAgreementAsync()
    {
        var id = "quiet-" + Guid.NewGuid().ToString("N")[..10];
        await _analyst.Open(id);
        return id;
    }

    public static TheoryData<string, string> Refused() => new()
    {
        { """{"url":"not a url","filter":{}}""", "url" },
        { """{"url":"ftp://93.184.215.14/x"}""", "url" },
        { """{"url":"http://127.0.0.1:8080/hook"}""", "url" },
        { """{"url":"http://localhost/hook"}""", "url" },
        { """{"url":"http://169.254.169.254/latest/meta-data/"}""", "url" },
        { """{"url":"http://[fd00::1]/hook"}""", "url" },
        { """{"filter":{}}""", "url" },
        { $$$"""{"url":"{{{Public}}}","filter":{"party":"nowhere-land"}}""", "filter.party" },
        { $$$"""{"url":"{{{Public}}}","filter":{"category":"air-defense-typo"}}""", "filter.category" },
        { $$$"""{"url":"{{{Public}}}","filter":{"agreement":"no-such-agreement"}}""", "filter.agreement" },
        { $$$"""{"url":"{{{Public}}}","events":["status-changed","status-exploded"]}""", "events[1]" },
        { $$$"""{"url":"{{{Public}}}","events":[]}""", "events" },
        { $$$"""{"url":"{{{Public}}}","secret":"mine"}""", "secret" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task bad_input_is_a_400_naming_the_field_and_nothing_is_stored(string body, string field)
    {
        var before = await StoredAsync();

        var (status, problem, _) = await _analyst.Send(HttpMethod.Post, "/api/subscriptions", body);

        status.ShouldBe(HttpStatusCode.BadRequest, problem?.ToJsonString());
        problem!["errors"]!.AsObject().Select(e => e.Key).ShouldContain(field, problem.ToJsonString());
        (await StoredAsync()).ShouldBe(before);
    }

    [Fact]
    public async Task a_refused_target_says_which_address_range_it_is_in()
    {
        var (_, problem, _) = await _analyst.Send(HttpMethod.Post, "/api/subscriptions", new { url = "http://169.254.169.254/latest/meta-data/" });
        problem!["errors"]!["url"]![0]!.ToString().ShouldContain("link-local");
    }

    [Fact]
    public async Task a_reader_cannot_subscribe_or_list_and_nothing_is_stored()
    {
        var before = await StoredAsync();
        var reader = _analyst.As(app.ReaderToken);
        (await reader.Send(HttpMethod.Post, "/api/subscriptions", new { url = Public })).Status.ShouldBe(HttpStatusCode.Forbidden);
        (await reader.Send(HttpMethod.Get, "/api/subscriptions")).Status.ShouldBe(HttpStatusCode.Forbidden);
        (await StoredAsync()).ShouldBe(before);
    }

    [Fact]
    public async Task the_secret_is_shown_once_each_sees_their_own_an_admin_sees_all_and_removing_anothers_is_404()
    {
        var quiet = await QuietAgreementAsync();
        var created = await _analyst.Post("/api/subscriptions", new { url = Public, filter = new { agreement = quiet, party = "ukr", category = "air-defence" } });
        var id = created["id"]!.ToString();
        created["secret"]!.ToString().ShouldStartWith("whsec_");
        created["filter"]!["party"]!.ToString().ShouldBe("UKR", "stored as the registry's code");
        created["events"]!.AsArray().Select(e => e!.ToString()).ShouldBe(["status-changed"]);
        created["createdBy"]!.ToString().ShouldBe(TrackerApp.Analyst);

        var mine = (await _analyst.Get("/api/subscriptions")).AsArray();
        var listed = mine.Single(s => s!["id"]!.ToString() == id)!;
        listed.AsObject().ContainsKey("secret").ShouldBeFalse("the secret is shown only when created");
        listed.ToJsonString().ShouldNotContain(created["secret"]!.ToString());

        var other = _analyst.As(app.SecondAnalystToken);
        (await other.Get("/api/subscriptions")).AsArray().ShouldNotContain(s => s!["id"]!.ToString() == id);
        (await other.Send(HttpMethod.Delete, $"/api/subscriptions/{id}")).Status.ShouldBe(HttpStatusCode.NotFound);
        (await other.Send(HttpMethod.Get, $"/api/subscriptions/{id}/deliveries")).Status.ShouldBe(HttpStatusCode.NotFound);
        (await _analyst.Get("/api/subscriptions")).AsArray().ShouldContain(s => s!["id"]!.ToString() == id, "still there");
        (await _analyst.As(app.AdminToken).Get("/api/subscriptions")).AsArray().ShouldContain(s => s!["id"]!.ToString() == id);

        (await _analyst.Send(HttpMethod.Delete, $"/api/subscriptions/{id}")).Status.ShouldBe(HttpStatusCode.NoContent);
        (await _analyst.Get("/api/subscriptions")).AsArray().ShouldNotContain(s => s!["id"]!.ToString() == id);
        (await _analyst.Send(HttpMethod.Delete, $"/api/subscriptions/{id}")).Status.ShouldBe(HttpStatusCode.NotFound, "removed already");
    }

    [Fact]
    public async Task the_secret_is_kept_protected_not_as_given()
    {
        var quiet = await QuietAgreementAsync();
        var created = await _analyst.Post("/api/subscriptions", new { url = Public, filter = new { agreement = quiet } });
        await using var conn = new NpgsqlConnection(app.ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("select secret from tracker.webhook_subscriptions where id = @id", conn);
        cmd.Parameters.AddWithValue("id", Guid.Parse(created["id"]!.ToString()));
        var stored = (string)(await cmd.ExecuteScalarAsync())!;
        stored.ShouldNotContain(created["secret"]!.ToString()[6..]);
        JsonNode.Parse(created.ToJsonString())!["secret"]!.ToString().Length.ShouldBe(6 + 44);
    }
}
