using System.Net;
using Alba;
using Tracker.Tests.Support;

namespace Tracker.Tests.Http;

/// <summary>Every error is an RFC 9457 problem that says what was wrong, and a rejected request changes nothing.</summary>
[Collection(AppCollection.Name)]
public class ErrorTests(TrackerApp app)
{
    private readonly Support.Api _api = new(app);
    private const string Commitment = "air-defence-joint-production";
    private static string NewAgreementId() => "e-" + Guid.NewGuid().ToString("N")[..10];

    private async Task<long> VersionOf(string agreementId) =>
        (await _api.Get($"/api/agreements/{agreementId}"))["version"]!.GetValue<long>();

    private static void ShouldBeCleanProblem(System.Text.Json.Nodes.JsonNode? body, int status)
    {
        body.ShouldNotBeNull();
        body["status"]!.GetValue<int>().ShouldBe(status);
        body["title"].ShouldNotBeNull();
        var text = body.ToJsonString();
        foreach (var leak in new[] { "Exception", "   at ", "System.", "Npgsql", "Marten", "Wolverine", "select ", "insert ", "Tracker." })
            text.ShouldNotContain(leak, Case.Insensitive);
    }

    [Fact]
    public async Task malformed_json_is_a_400_that_names_where_it_broke()
    {
        var id = NewAgreementId();
        await _api.Open(id, Commitment);

        var (status, body, _) = await _api.Send(HttpMethod.Post, $"/api/agreements/{id}/statements", "{\"saidOn\": \"2025-06-05\", \"quote\": ");

        status.ShouldBe(HttpStatusCode.BadRequest);
        ShouldBeCleanProblem(body, 400);
        (await VersionOf(id)).ShouldBe(2);
    }

    [Fact]
    public async Task a_value_of_the_wrong_type_is_a_400_naming_the_field()
    {
        var id = NewAgreementId();
        await _api.Open(id, Commitment);

        var (status, body, _) = await _api.Send(HttpMethod.Post, $"/api/agreements/{id}/statements",
            "{\"saidOn\": \"2025-06-05\", \"source\": {\"outlet\": \"X\", \"kind\": \"media-report\", \"publishedOn\": \"last tuesday\"}}");

        status.ShouldBe(HttpStatusCode.BadRequest);
        ShouldBeCleanProblem(body, 400);
        body!["errors"].ShouldNotBeNull(body.ToJsonString());
        body["errors"]!.AsObject().Select(e => e.Key).ShouldContain("source.publishedOn");
    }

    [Fact]
    public async Task an_unknown_agreement_or_commitment_is_a_404_that_names_it()
    {
        var (status, body, _) = await _api.Send(HttpMethod.Get, "/api/agreements/no-such-agreement");
        status.ShouldBe(HttpStatusCode.NotFound);
        ShouldBeCleanProblem(body, 404);
        body!["detail"]!.ToString().ShouldContain("'no-such-agreement'");

        var id = NewAgreementId();
        await _api.Open(id, Commitment);
        (status, body, _) = await _api.Send(HttpMethod.Get, $"/api/agreements/{id}/commitments/submarines");
        status.ShouldBe(HttpStatusCode.NotFound);
        body!["detail"]!.ToString().ShouldContain("'submarines'");

        (status, body, _) = await _api.Send(HttpMethod.Post, "/api/agreements/no-such-agreement/statements", Support.Api.Statement(Commitment, "raised"));
        status.ShouldBe(HttpStatusCode.NotFound);
        body!["detail"]!.ToString().ShouldContain("'no-such-agreement'");
    }

    [Fact]
    public async Task a_body_over_256_kb_is_a_413_and_nothing_is_recorded()
    {
        var id = NewAgreementId();
        await _api.Open(id, Commitment);
        var huge = Support.Api.Statement(Commitment, "raised", quote: new string('x', 300 * 1024));

        var (status, body, _) = await _api.Send(HttpMethod.Post, $"/api/agreements/{id}/statements", huge);

        status.ShouldBe(HttpStatusCode.RequestEntityTooLarge);
        ShouldBeCleanProblem(body, 413);
        (await VersionOf(id)).ShouldBe(2);
    }

    [Fact]
    public async Task a_body_that_is_not_json_is_a_415()
    {
        var id = NewAgreementId();
        await _api.Open(id, Commitment);

        var (status, body, _) = await _api.Send(HttpMethod.Post, $"/api/agreements/{id}/statements", "saidOn=2025-06-05",
            s => s.ConfigureHttpContext(c => c.Request.ContentType = "application/x-www-form-urlencoded"));

        status.ShouldBe(HttpStatusCode.UnsupportedMediaType);
        ShouldBeCleanProblem(body, 415);
    }

    [Fact]
    public async Task bad_clock_parameters_are_a_400_naming_them()
    {
        var id = NewAgreementId();
        await _api.Open(id, Commitment);

        var (status, body, _) = await _api.Send(HttpMethod.Get, $"/api/agreements/{id}?asOf=June&knownAt=yesterday");

        status.ShouldBe(HttpStatusCode.BadRequest);
        body!["errors"]!.AsObject().Select(e => e.Key).ShouldBe(["asOf", "knownAt"], ignoreOrder: true);
    }

    [Fact]
    public async Task a_body_naming_another_agreement_than_the_url_is_rejected()
    {
        var id = NewAgreementId();
        await _api.Open(id, Commitment);

        var (status, body, _) = await _api.Send(HttpMethod.Post, $"/api/agreements/{id}/commitments",
            new { agreementId = "other-agreement", commitmentId = "x", title = "X", category = "other" });

        status.ShouldBe(HttpStatusCode.BadRequest);
        body!["errors"]!["agreementId"]![0]!.ToString().ShouldContain("does not match");
        (await VersionOf(id)).ShouldBe(2);
    }

    [Fact]
    public async Task unparseable_query_and_route_values_are_400s_that_name_them_without_internals()
    {
        var (status, body, _) = await _api.Send(HttpMethod.Get, "/api/agreements?page=first");
        status.ShouldBe(HttpStatusCode.BadRequest);
        ShouldBeCleanProblem(body, 400);
        body!.ToJsonString().ShouldContain("page");

        var id = NewAgreementId();
        await _api.Open(id, Commitment);
        (status, body, _) = await _api.Send(HttpMethod.Get, $"/api/agreements/{id}/statements/not-a-guid");
        status.ShouldBe(HttpStatusCode.NotFound, "no route matches a statement id that is not a GUID");
        ShouldBeCleanProblem(body, 404);
    }

    [Fact]
    public async Task known_at_takes_iso_8601_only_and_a_bare_date_means_the_end_of_that_day()
    {
        var id = NewAgreementId();
        await _api.Open(id, Commitment);
        var today = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd");

        var (status, body, _) = await _api.Send(HttpMethod.Get, $"/api/agreements/{id}?knownAt=06/07/2025");
        status.ShouldBe(HttpStatusCode.BadRequest);
        body!["errors"]!["knownAt"]![0]!.ToString().ShouldContain("ISO 8601");

        (status, _, _) = await _api.Send(HttpMethod.Get, $"/api/agreements/{id}?knownAt={today}");
        status.ShouldBe(HttpStatusCode.OK, "opened today, so known by the end of today");
        (status, _, _) = await _api.Send(HttpMethod.Get, $"/api/agreements/{id}?knownAt={today}T00:00:00Z");
        status.ShouldBe(HttpStatusCode.NotFound, "not yet opened at midnight");
    }
}
