using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Tracker.Tests.Support;

namespace Tracker.Tests.Workbench;

/// <summary>
/// Every page the workbench has, today's and any added later, tells the browser what it may do with it; the API's
/// answers, which no browser renders as pages, are left as they are.
/// </summary>
[Collection(AppCollection.Name)]
public partial class WorkbenchHeaderTests(TrackerApp app)
{
    [Fact]
    public async Task every_workbench_page_is_sent_with_the_content_security_policy()
    {
        var id = "hdr-" + Guid.NewGuid().ToString("N")[..8];
        await new Api(app).Open(id, "air-defence");
        var person = "Header Test " + id;
        var personId = (await new Api(app).Post("/api/people", new { name = person }))["personId"]!.GetValue<string>();
        // A captured copy to show (capture itself is off in this host): stored as the capturer stores one.
        var text = "Captured for the header test " + id;
        var sha256 = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)));
        await using (var conn = new Npgsql.NpgsqlConnection(app.ConnectionString))
        {
            await conn.OpenAsync();
            await using var blob = new Npgsql.NpgsqlCommand("""
                insert into tracker.source_blobs (sha256, content_type, length, bytes, text, stored_at)
                values (decode($1, 'hex'), 'text/plain', length(convert_to($2, 'UTF8')), convert_to($2, 'UTF8'), $2, now())
                """, conn);
            blob.Parameters.AddWithValue(sha256);
            blob.Parameters.AddWithValue(text);
            await blob.ExecuteNonQueryAsync();
        }
        var values = new Dictionary<string, string>
        {
            ["{agreementId}"] = id, ["{commitmentId}"] = "air-defence", ["{actorId}"] = "UKR", ["{personId}"] = personId,
            ["{sha256}"] = sha256,
        };
        using var analyst = new WorkbenchClient(app.Host);
        await analyst.SignInAsync(TrackerApp.Analyst, app.AnalystToken);

        var pages = app.Host.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<PageActionDescriptor>() is not null)
            .Select(e => "/" + RouteParameter().Replace(e.RoutePattern.RawText!.TrimStart('/'), m => values[m.Value]))
            .Distinct().ToList();
        pages.ShouldContain($"/agreements/{id}/statements/new");
        pages.Count.ShouldBeGreaterThan(8, "the enumeration must see the workbench's pages");

        foreach (var page in pages)
        {
            var response = await analyst.GetAsync(page);
            response.Status.ShouldBeOneOf([HttpStatusCode.OK, HttpStatusCode.Redirect], page); // GET /signout goes home
            response.Headers["Content-Security-Policy"].ShouldBe(
                "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'", page);
            response.Headers["X-Frame-Options"].ShouldBe("DENY", page);
        }

        var (_, _, api) = await new Api(app).Send(HttpMethod.Get, $"/api/agreements/{id}");
        api.Context.Response.Headers.ContainsKey("Content-Security-Policy").ShouldBeFalse();
    }

    [GeneratedRegex(@"\{[^}]+\}")]
    private static partial Regex RouteParameter();
}
