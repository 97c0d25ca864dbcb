using System.Net;
using System.Text.RegularExpressions;
using Alba;
using Marten;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Tracker.Tests.Support;

namespace Tracker.Tests.Http;

/// <summary>Who may do what: every endpoint but /health wants a token, readers only read, admins manage users.</summary>
[Collection(AppCollection.Name)]
public partial class AccessTests(TrackerApp app)
{
    private readonly Api _api = new(app);
    private const string Commitment = "air-defence-joint-production";

    /// <summary>Every routed endpoint the service exposes, with its route parameters filled in.</summary>
    private IReadOnlyList<(HttpMethod Method, string Url)> AllEndpoints() =>
        app.Host.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .SelectMany(e => (e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods ?? ["GET"])
                .Select(m => (new HttpMethod(m), "/" + RouteParameter().Replace(e.RoutePattern.RawText!.TrimStart('/'), "x"))))
            .Distinct()
            .ToList();

    [GeneratedRegex(@"\{[^}]+\}")]
    private static partial Regex RouteParameter();

    [Fact]
    public async Task every_endpoint_but_health_turns_away_a_request_without_a_token()
    {
        var endpoints = AllEndpoints();
        endpoints.Count.ShouldBeGreaterThan(15, "the enumeration must see the API, not an empty list");
        endpoints.ShouldContain((HttpMethod.Post, "/api/agreements/x/statements"));

        var anonymous = _api.Anonymous();
        foreach (var (method, url) in endpoints)
        {
            var (status, body, result) = await anonymous.Send(method, url, method == HttpMethod.Get ? null : new { });
            // The API description is documentation (the /docs page loads it before anyone can press Authorize).
            if (url == "/health")
            {
                status.ShouldBe(HttpStatusCode.OK);
                continue;
            }
            // The API description is documentation, public like the README: /docs loads it before anyone can press
            // its Authorize button. It holds no data.
            if (url == "/openapi/x.json")
            {
                (await anonymous.Send(HttpMethod.Get, "/openapi/v1.json")).Status.ShouldBe(HttpStatusCode.OK);
                continue;
            }
            if (url == "/signin") continue; // the one page anyone may open
            // Atom feeds are polled by feed readers without a session: the feed key in the URL is the credential,
            // and a key that is no user's current key reads nothing (WatchlistStories).
            // Originals of captured pages likewise: a signed, time-limited link is the credential (no cookie is read
            // there, by design), and a link that does not verify shows nothing (SourceCaptureTests).
            if (url.StartsWith("/feeds/", StringComparison.Ordinal) || url.StartsWith("/originals/", StringComparison.Ordinal))
            {
                status.ShouldBe(HttpStatusCode.NotFound, $"{method} {url}");
                continue;
            }
            if (IsWorkbenchPage(url))
            {
                // A person in a browser is sent to sign in (and back afterwards), not shown a 401.
                status.ShouldBe(HttpStatusCode.Found, $"{method} {url}");
                result.Context.Response.Headers.Location.ToString().ShouldContain("/signin?ReturnUrl=");
                continue;
            }
            status.ShouldBe(HttpStatusCode.Unauthorized, $"{method} {url}");
            body!["title"]!.ToString().ShouldBe("Authentication required");
            result.Context.Response.Headers.WWWAuthenticate.ToString().ShouldStartWith("Bearer");
        }
    }

    private static bool IsWorkbenchPage(string url) =>
        !url.StartsWith("/api/", StringComparison.Ordinal) && !url.StartsWith("/openapi", StringComparison.Ordinal);

    [Fact]
    public async Task a_made_up_or_malformed_token_is_turned_away_like_no_token()
    {
        foreach (var token in new[] { "trk_not-a-real-token", "not-even-our-format", app.ReaderToken + "x" })
        {
            var (status, _, _) = await _api.As(token).Send(HttpMethod.Get, "/api/agreements");
            status.ShouldBe(HttpStatusCode.Unauthorized, token);
        }
    }

    [Fact]
    public async Task a_reader_reads_everything_and_writes_nothing()
    {
        var id = "acc-" + Guid.NewGuid().ToString("N")[..8];
        await _api.Open(id, Commitment);
        var statementId = Guid.NewGuid();
        await _api.Record(id, Api.Statement(Commitment, "under-examination", id: statementId));
        var reader = _api.As(app.ReaderToken);

        foreach (var url in new[]
                 {
                     "/api/agreements", $"/api/agreements/{id}", $"/api/agreements/{id}/commitments/{Commitment}",
                     $"/api/agreements/{id}/commitments/{Commitment}/history", $"/api/agreements/{id}/statements",
                     $"/api/agreements/{id}/statements/{statementId}", "/api/reports/status",
                     "/api/reports/changes?from=2025-01-01&to=2025-12-31", "/api/audit", "/openapi/v1.json",
                 })
            (await reader.Send(HttpMethod.Get, url)).Status.ShouldBe(HttpStatusCode.OK, url);

        var writes = new (string Url, object Body)[]
        {
            ("/api/agreements", new { agreementId = "by-a-reader", title = "T", parties = new[] { "UKR" } }),
            ($"/api/agreements/{id}/commitments", new { commitmentId = "c", title = "C", category = "other" }),
            ($"/api/agreements/{id}/statements", Api.Statement(Commitment, "signed")),
            ($"/api/agreements/{id}/statements/{statementId}/corrections", new { correctionId = Guid.NewGuid(), reason = "r", changes = new { place = "Paris" } }),
            ($"/api/agreements/{id}/statements/{statementId}/retraction", new { reason = "r" }),
            ("/api/users", new { name = "sneaky", role = "admin" }),
        };
        foreach (var (url, body) in writes)
        {
            var (status, problem, _) = await reader.Send(HttpMethod.Post, url, body);
            status.ShouldBe(HttpStatusCode.Forbidden, url);
            problem!["detail"]!.ToString().ShouldContain("reader");
        }

        var summary = await _api.Get($"/api/agreements/{id}");
        summary["version"]!.GetValue<long>().ShouldBe(3, "no write of the reader's reached the store");
    }

    [Fact]
    public async Task an_analyst_writes_statements_but_does_not_manage_users()
    {
        (await _api.Send(HttpMethod.Get, "/api/users")).Status.ShouldBe(HttpStatusCode.Forbidden);
        (await _api.Send(HttpMethod.Post, "/api/users", new { name = "x", role = "admin" })).Status.ShouldBe(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task an_admin_issues_a_token_that_works_at_once_and_stops_working_when_revoked()
    {
        var admin = _api.As(app.AdminToken);
        var name = "temp." + Guid.NewGuid().ToString("N")[..6];

        var issued = await admin.Post("/api/users", new { name, role = "analyst" });
        var token = issued["token"]!.ToString();
        token.ShouldStartWith("trk_");
        var newcomer = _api.As(token);
        (await newcomer.Send(HttpMethod.Get, "/api/agreements")).Status.ShouldBe(HttpStatusCode.OK);

        var listed = await admin.Get("/api/users");
        listed.AsArray().Select(u => u!["name"]!.ToString()).ShouldContain(name);
        listed.ToJsonString().ShouldNotContain(token);
        listed.ToJsonString().ShouldNotContain("tokenHash", Case.Insensitive);

        (await admin.Send(HttpMethod.Post, $"/api/users/{name}/revocation")).Status.ShouldBe(HttpStatusCode.NoContent);
        (await newcomer.Send(HttpMethod.Get, "/api/agreements")).Status.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task user_management_names_what_is_wrong()
    {
        var admin = _api.As(app.AdminToken);

        var (status, body, _) = await admin.Send(HttpMethod.Post, "/api/users", new { name = "has space", role = "analyst" });
        status.ShouldBe(HttpStatusCode.BadRequest);
        body!["errors"]!["name"].ShouldNotBeNull();

        (status, body, _) = await admin.Send(HttpMethod.Post, "/api/users", new { name = "someone", role = "superuser" });
        status.ShouldBe(HttpStatusCode.BadRequest);
        body!["errors"]!["role"].ShouldNotBeNull();

        (status, _, _) = await admin.Send(HttpMethod.Post, "/api/users", new { name = TrackerApp.Analyst, role = "analyst" });
        status.ShouldBe(HttpStatusCode.Conflict);

        (status, body, _) = await admin.Send(HttpMethod.Post, "/api/users/nobody-here/revocation");
        status.ShouldBe(HttpStatusCode.NotFound);
        body!["detail"]!.ToString().ShouldContain("nobody-here");
    }

    [Fact]
    public async Task the_token_holder_is_the_author_in_the_events_and_the_audit_trail()
    {
        var id = "acc-" + Guid.NewGuid().ToString("N")[..8];
        await _api.Open(id, Commitment);
        await _api.As(app.SecondAnalystToken).Record(id, Api.Statement(Commitment, "raised"));
        await app.WaitForAuditAsync();

        var audit = await _api.As(app.ReaderToken).Get($"/api/audit?agreement={id}");
        audit["items"]!.AsArray().Select(e => e!["recordedBy"]!.ToString())
            .ShouldBe([TrackerApp.Analyst, TrackerApp.Analyst, TrackerApp.SecondAnalyst]);
    }
}
