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

    [Fact]
    public async Task a_revoked_token_stops_working_within_a_second_on_every_instance()
    {
        var database = await TestCluster.NewDatabaseAsync("revoke");
        await using var one = await TrackerApp.StartAsync(database);
        await using var other = await TrackerApp.StartAsync(database);
        var users = one.Services.GetRequiredService<UserAdministration>();
        var token = (await users.AddAsync("leaving.reader", Roles.Reader)).Token;
        await users.AddAsync("staying.admin", Roles.Admin);
        for (var i = 0; i < 20; i++) (await GetAsync(other, "/api/agreements", token)).Status.ShouldBe(HttpStatusCode.OK);
        other.Services.GetRequiredService<TokenLookup>().StoreLookups.ShouldBeLessThan(20, "a busy client is not looked up on every request");

        await users.RevokeAsync("leaving.reader");
        var revoked = System.Diagnostics.Stopwatch.StartNew();
        while ((await GetAsync(other, "/api/agreements", token)).Status == HttpStatusCode.OK)
        {
            revoked.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(1.5), "still accepted on the other instance");
            await Task.Delay(20);
        }
        (await GetAsync(other, "/api/agreements", token)).Status.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task requests_over_the_limit_cost_no_token_lookup()
    {
        await using var host = await StartAsync("ratelimit-first", ("Tracker:RateLimit:PermitsPerMinute", "5"));
        var lookups = host.Services.GetRequiredService<TokenLookup>();
        for (var i = 0; i < 30; i++) await GetAsync(host, "/api/agreements", "trk_made-up-token");
        lookups.StoreLookups.ShouldBe(5, "only the requests within the limit reached authentication");
    }

    [Fact]
    public async Task the_last_admin_cannot_be_revoked_even_by_two_admins_revoking_each_other_at_once()
    {
        await using var host = await StartAsync("last-admin");
        var users = host.Services.GetRequiredService<UserAdministration>();
        var first = (await users.AddAsync("first.admin", Roles.Admin)).Token;
        var second = (await users.AddAsync("second.admin", Roles.Admin)).Token;

        var answers = await Task.WhenAll(
            host.Scenario(s => { s.Post.Url("/api/users/second.admin/revocation"); s.WithBearerToken(first); s.IgnoreStatusCode(); }),
            host.Scenario(s => { s.Post.Url("/api/users/first.admin/revocation"); s.WithBearerToken(second); s.IgnoreStatusCode(); }));

        // One revocation lands. The other is refused: as the last admin's (409), or, when its author's own token was
        // revoked first, as unauthenticated (401).
        answers.Count(a => a.Context.Response.StatusCode == 204).ShouldBe(1);
        answers.Count(a => a.Context.Response.StatusCode is 409 or 401).ShouldBe(1);
        (await users.ListAsync()).Count(u => u.Role == Roles.Admin && u.RevokedAt is null).ShouldBe(1);
        var remaining = (await users.ListAsync()).Single(u => u.Role == Roles.Admin && u.RevokedAt is null).Id;
        var cli = await Should.ThrowAsync<UserAdministrationException>(() => users.RevokeAsync(remaining));
        cli.Problem.ShouldBe(UserProblem.LastAdmin);
    }

    [Theory]
    [InlineData(SecurityAlgorithms.HmacSha256, 32, true)]
    [InlineData(SecurityAlgorithms.HmacSha384, 48, true)]
    [InlineData(SecurityAlgorithms.HmacSha512, 64, true)]
    [InlineData(SecurityAlgorithms.HmacSha512, 32, false)]
    [InlineData(SecurityAlgorithms.HmacSha384, 47, false)]
    public async Task a_shared_key_signs_with_each_hmac_algorithm_it_is_long_enough_for(string algorithm, int keyBytes, bool accepted)
    {
        var key = Encoding.UTF8.GetBytes(new string('k', keyBytes));
        await using var host = await StartAsync("jwt-" + keyBytes,
            ("Tracker:Jwt:SigningKey", new string('k', keyBytes)), ("Tracker:Jwt:Issuer", Issuer), ("Tracker:Jwt:Audience", Audience));
        (await GetAsync(host, "/api/agreements", HmacJwt(algorithm, key))).Status
            .ShouldBe(accepted ? HttpStatusCode.OK : HttpStatusCode.Unauthorized);
    }

    /// <summary>Signed by hand: the token library refuses to sign with a key shorter than the hash, as a client might not.</summary>
    private static string HmacJwt(string algorithm, byte[] key)
    {
        static string Part(byte[] bytes) => Base64UrlEncoder.Encode(bytes);
        var header = Part(Encoding.UTF8.GetBytes($$"""{"alg":"{{algorithm}}","typ":"JWT"}"""));
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var payload = Part(Encoding.UTF8.GetBytes(
            $$"""{"iss":"{{Issuer}}","aud":"{{Audience}}","exp":{{now + 300}},"nbf":{{now - 60}},"preferred_username":"hmac.user","roles":["reader"]}"""));
        using System.Security.Cryptography.HMAC hmac = algorithm switch
        {
            SecurityAlgorithms.HmacSha256 => new System.Security.Cryptography.HMACSHA256(key),
            SecurityAlgorithms.HmacSha384 => new System.Security.Cryptography.HMACSHA384(key),
            _ => new System.Security.Cryptography.HMACSHA512(key),
        };
        return $"{header}.{payload}.{Part(hmac.ComputeHash(Encoding.ASCII.GetBytes($"{header}.{payload}")))}";
    }
}
