using System.Security.Claims;
using System.Text;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.IdentityModel.Tokens;

namespace Tracker.Security;

/// <summary>
/// API tokens always; JWT bearer tokens from an identity provider when <c>Tracker:Jwt</c> is configured.
/// One "Bearer" scheme picks between them by the token's shape, and both answer 401/403 with the same problems.
/// </summary>
public static class TrackerAuthentication
{
    private const string Selector = "ApiTokenOrJwt";

    public sealed class JwtSettings
    {
        /// <summary>The identity provider's issuer URL; its signing keys come from its OpenID discovery document.</summary>
        public string? Authority { get; set; }
        public string? Audience { get; set; }
        /// <summary>A shared HS256 secret (at least 32 bytes), for providers that sign that way; needs <see cref="Issuer"/>.</summary>
        public string? SigningKey { get; set; }
        public string? Issuer { get; set; }
        /// <summary>The claim whose value becomes the author of every event the user records.</summary>
        public string NameClaim { get; set; } = "preferred_username";
        /// <summary>The claim that carries reader, analyst or admin.</summary>
        public string RoleClaim { get; set; } = "roles";

        public bool Enabled => !string.IsNullOrWhiteSpace(Authority) || !string.IsNullOrWhiteSpace(SigningKey);
    }

    public static IServiceCollection AddTrackerAuthentication(this IServiceCollection services, IConfiguration configuration)
    {
        var jwt = configuration.GetSection("Tracker:Jwt").Get<JwtSettings>() ?? new JwtSettings();
        var authentication = services.AddAuthentication(Selector)
            .AddPolicyScheme(Selector, "API token or JWT", o =>
            {
                o.ForwardDefaultSelector = http => jwt.Enabled && !IsApiToken(http) ? JwtBearerDefaults.AuthenticationScheme : ApiTokenAuthentication.SchemeName;
                // Whatever authenticated the request, refusals look the same: our problem responses.
                o.ForwardChallenge = ApiTokenAuthentication.SchemeName;
                o.ForwardForbid = ApiTokenAuthentication.SchemeName;
            })
            .AddScheme<AuthenticationSchemeOptions, ApiTokenAuthentication>(ApiTokenAuthentication.SchemeName, null);
        if (jwt.Enabled) authentication.AddJwtBearer(o => Configure(o, jwt));

        // The default policy, applied to every endpoint without its own, is "can read": being signed in is not
        // enough, since an identity provider may vouch for people who hold no Tracker role at all.
        var canRead = new Microsoft.AspNetCore.Authorization.AuthorizationPolicyBuilder()
            .RequireRole(Roles.Readers).Build();
        services.AddAuthorizationBuilder()
            .SetDefaultPolicy(canRead)
            .AddPolicy(Roles.Policies.CanRead, canRead)
            .AddPolicy(Roles.Policies.CanWrite, p => p.RequireRole(Roles.Writers))
            .AddPolicy(Roles.Policies.CanReview, p => p.RequireRole(Roles.ReviewersOf(configuration)))
            .AddPolicy(Roles.Policies.CanAdminister, p => p.RequireRole(Roles.Admin));
        return services;
    }

    private static bool IsApiToken(HttpContext http) =>
        http.Request.Headers.Authorization.FirstOrDefault() is not { } header
        || header.StartsWith("Bearer " + ApiUser.TokenPrefix, StringComparison.OrdinalIgnoreCase);

    /// <summary>Identity-provider users are authors under their own prefix, so they can never pass for an API user.</summary>
    public const string JwtUserPrefix = "idp:";

    private static void Configure(JwtBearerOptions o, JwtSettings jwt)
    {
        if (string.IsNullOrWhiteSpace(jwt.Audience))
            throw new InvalidOperationException("Tracker:Jwt:Audience is required with Tracker:Jwt: without it, tokens the identity " +
                                                "provider issued for any other application would be accepted.");
        var sharedKey = string.IsNullOrWhiteSpace(jwt.SigningKey) ? null : Encoding.UTF8.GetBytes(jwt.SigningKey);
        if (sharedKey is { Length: < 32 })
            throw new InvalidOperationException("Tracker:Jwt:SigningKey must be at least 32 bytes (HS256; HS384 needs 48, HS512 64).");
        if (sharedKey is not null && string.IsNullOrWhiteSpace(jwt.Issuer))
            throw new InvalidOperationException("Tracker:Jwt:SigningKey needs Tracker:Jwt:Issuer.");

        if (!string.IsNullOrWhiteSpace(jwt.Authority)) o.Authority = jwt.Authority;
        o.Audience = jwt.Audience;
        // Keep the provider's claim names as they are, so NameClaim and RoleClaim mean what the provider sends.
        o.MapInboundClaims = false;
        o.TokenValidationParameters = new TokenValidationParameters
        {
            ValidateAudience = true,
            ValidAudience = jwt.Audience,
            ValidateIssuer = true,
            ValidIssuer = jwt.Issuer ?? jwt.Authority,
            ValidateLifetime = true,
            RequireExpirationTime = true,
            // A shared secret signs with HMAC only; a provider's published keys with asymmetric algorithms only.
            ValidAlgorithms = sharedKey is not null
                ? HmacAlgorithmsFor(sharedKey.Length)
                : [SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSha384, SecurityAlgorithms.RsaSha512,
                    SecurityAlgorithms.RsaSsaPssSha256, SecurityAlgorithms.EcdsaSha256, SecurityAlgorithms.EcdsaSha384],
            IssuerSigningKey = sharedKey is null ? null : new SymmetricSecurityKey(sharedKey),
        };
        o.Events = new JwtBearerEvents { OnTokenValidated = context => AsTrackerUser(context, jwt) };
    }

    /// <summary>
    /// An HMAC key must be at least as long as the hash it signs with (RFC 7518 §3.2): 32 bytes for HS256, 48 for
    /// HS384, 64 for HS512. Only the algorithms the configured key is long enough for are accepted.
    /// </summary>
    public static IReadOnlyList<string> HmacAlgorithmsFor(int keyBytes) =>
    [
        .. keyBytes >= 32 ? [SecurityAlgorithms.HmacSha256] : Array.Empty<string>(),
        .. keyBytes >= 48 ? [SecurityAlgorithms.HmacSha384] : Array.Empty<string>(),
        .. keyBytes >= 64 ? [SecurityAlgorithms.HmacSha512] : Array.Empty<string>(),
    ];

    /// <summary>The provider's user as the same kind of identity an API token gives: a prefixed name and roles.</summary>
    private static Task AsTrackerUser(TokenValidatedContext context, JwtSettings jwt)
    {
        var principal = context.Principal!;
        var name = principal.FindFirst(jwt.NameClaim)?.Value;
        if (string.IsNullOrWhiteSpace(name))
        {
            context.Fail($"the token has no '{jwt.NameClaim}' claim to name its user by");
            return Task.CompletedTask;
        }
        var identity = new ClaimsIdentity(context.Scheme.Name, ClaimTypes.Name, ClaimTypes.Role);
        identity.AddClaim(new Claim(ClaimTypes.Name, JwtUserPrefix + name));
        foreach (var role in principal.FindAll(jwt.RoleClaim)) identity.AddClaim(new Claim(ClaimTypes.Role, role.Value));
        context.Principal = new ClaimsPrincipal(identity);
        return Task.CompletedTask;
    }
}
