using System.Net;
using System.Security.Claims;
using System.Text;
using Alba;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Tracker.Security;
using Tracker.Tests.Support;

namespace Tracker.Tests.Http;

/// <summary>Behaviour that needs the service configured differently: a tight rate limit, an identity provider.</summary>
public class SeparateHostTests
{
    private const string SigningKey = "tracker-test-signing-key-0123456789-abcdef";
    private const string Issuer = "https://idp.example.org/realms/analysts";
    private const string Audience = "tracker";

    private static async Task<IAlbaHost> StartAsync(string name, params (string Key, string Value)[] settings) =>
        await TrackerApp.StartAsync(await TestCluster.NewDatabaseAsync(name), settings);

    private static async Task<(HttpStatusCode Status, string Body, IScenarioResult Result)> GetAsync(IAlbaHost host, string url, string? token)
    {
        var result = await host.Scenario(s =>
        {
            s.Get.Url(url);
            if (token is not null) s.WithBearerToken(token);
            s.IgnoreStatusCode();
        });
        return ((HttpStatusCode)result.Context.Response.StatusCode, await result.ReadAsTextAsync(), result);
    }

    [Fact]
    public async Task a_client_over_its_rate_limit_gets_429_with_when_to_retry_while_others_go_on()
    {
        await using var host = await StartAsync("ratelimit", ("Tracker:RateLimit:PermitsPerMinute", "5"));
        var users = host.Services.GetRequiredService<UserAdministration>();
        var greedy = (await users.AddAsync("greedy.reader", Roles.Reader)).Token;
        var patient = (await users.AddAsync("patient.reader", Roles.Reader)).Token;

        for (var i = 0; i < 5; i++) (await GetAsync(host, "/api/agreements", greedy)).Status.ShouldBe(HttpStatusCode.OK);
        var (status, body, result) = await GetAsync(host, "/api/agreements", greedy);

        status.ShouldBe(HttpStatusCode.TooManyRequests);
        result.Context.Response.Headers.RetryAfter.ToString().ShouldBe("60");
        body.ShouldContain("\"status\":429");
        body.ShouldContain("more than 5 requests in a minute");
        (await GetAsync(host, "/api/agreements", patient)).Status.ShouldBe(HttpStatusCode.OK);
    }

    private static string Jwt(string? user, string? role, string issuer = Issuer, string key = SigningKey,
        string audience = Audience, DateTime? expires = null)
    {
        var claims = new Dictionary<string, object>();
        if (user is not null) claims["preferred_username"] = user;
        if (role is not null) claims["roles"] = new[] { role };
        var expiry = expires ?? DateTime.UtcNow.AddMinutes(5);
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer, Audience = audience, Claims = claims, Expires = expiry, NotBefore = expiry.AddMinutes(-10),
            IssuedAt = expiry.AddMinutes(-10),
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(key)), SecurityAlgorithms.HmacSha256),
        });
    }

    [Fact]
    public async Task with_an_identity_provider_configured_its_tokens_work_beside_api_tokens_and_name_the_author()
    {
        await using var host = await StartAsync("jwt",
            ("Tracker:Jwt:SigningKey", SigningKey), ("Tracker:Jwt:Issuer", Issuer), ("Tracker:Jwt:Audience", Audience));
        var apiToken = (await host.Services.GetRequiredService<UserAdministration>().AddAsync("token.reader", Roles.Reader)).Token;

        var opened = await host.Scenario(s =>
        {
            s.Post.Json(new { agreementId = "jwt-story", title = "Opened by an IdP user", parties = new[] { "UKR", "FRA" } }).ToUrl("/api/agreements");
            s.WithBearerToken(Jwt("olena.idp", Roles.Analyst));
            s.StatusCodeShouldBe(HttpStatusCode.Created);
        });
        await using (var session = host.Services.GetRequiredService<IDocumentStore>().QuerySession())
            (await session.Events.FetchStreamAsync("jwt-story")).Single().UserName.ShouldBe("idp:olena.idp");

        (await GetAsync(host, "/api/agreements/jwt-story", apiToken)).Status.ShouldBe(HttpStatusCode.OK);
        (await GetAsync(host, "/api/agreements/jwt-story", Jwt("no.role", null))).Status.ShouldBe(HttpStatusCode.Forbidden);
        (await GetAsync(host, "/api/agreements/jwt-story", Jwt("forger", Roles.Admin, key: SigningKey + "-forged"))).Status
            .ShouldBe(HttpStatusCode.Unauthorized);
        (await GetAsync(host, "/api/agreements/jwt-story", Jwt("elsewhere", Roles.Admin, issuer: "https://evil.example"))).Status
            .ShouldBe(HttpStatusCode.Unauthorized);
        (await GetAsync(host, "/api/agreements/jwt-story", Jwt("other.app.user", Roles.Admin, audience: "another-app"))).Status
            .ShouldBe(HttpStatusCode.Unauthorized);
        (await GetAsync(host, "/api/agreements/jwt-story", Jwt("late", Roles.Admin, expires: DateTime.UtcNow.AddMinutes(-6)))).Status
            .ShouldBe(HttpStatusCode.Unauthorized);
        (await GetAsync(host, "/api/agreements/jwt-story", Jwt(null, Roles.Admin))).Status.ShouldBe(HttpStatusCode.Unauthorized);
        var reader = await host.Scenario(s =>
        {
            s.Post.Json(new { agreementId = "jwt-reader", title = "T", parties = new[] { "UKR" } }).ToUrl("/api/agreements");
            s.WithBearerToken(Jwt("ivan.idp", Roles.Reader));
            s.StatusCodeShouldBe(HttpStatusCode.Forbidden);
        });
        (await reader.ReadAsTextAsync()).ShouldContain("Your role (reader)");
    }

    [Fact]
    public async Task health_is_503_with_the_reason_when_the_schema_is_behind_or_the_database_is_gone()
    {
        var database = await TestCluster.NewDatabaseAsync("health");
        await using var host = await TrackerApp.StartAsync(database);
        (await GetAsync(host, "/health", null)).Status.ShouldBe(HttpStatusCode.OK);

        await using (var conn = new Npgsql.NpgsqlConnection(database))
        {
            await conn.OpenAsync();
            await using var cmd = new Npgsql.NpgsqlCommand("delete from public.tracker_migrations", conn);
            await cmd.ExecuteNonQueryAsync();
        }
        var (status, body, _) = await GetAsync(host, "/health", null);
        status.ShouldBe(HttpStatusCode.ServiceUnavailable);
        body.ShouldContain("migrations not applied");
        body.ShouldContain("0001_initial");

        var name = new Npgsql.NpgsqlConnectionStringBuilder(database).Database!;
        await using (var admin = new Npgsql.NpgsqlConnection(new Npgsql.NpgsqlConnectionStringBuilder(database) { Database = "postgres", Pooling = false }.ConnectionString))
        {
            await admin.OpenAsync();
            await using var drop = new Npgsql.NpgsqlCommand($"drop database \"{name}\" with (force)", admin);
            await drop.ExecuteNonQueryAsync();
        }
        (status, body, _) = await GetAsync(host, "/health", null);
        status.ShouldBe(HttpStatusCode.ServiceUnavailable);
        body.ShouldContain("database unreachable");
    }
}
