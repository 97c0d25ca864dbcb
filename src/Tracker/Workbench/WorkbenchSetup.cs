using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Tracker.Http;
using Tracker.Security;

namespace Tracker.Workbench;

/// <summary>
/// The analysts' workbench: server-rendered pages (Razor Pages) in the same host, reading and writing through the
/// same slices and read models as the API. Its users sign in with their API name and token once; the session is a
/// cookie (HttpOnly, SameSite=Strict, Secure over HTTPS, sliding), checked against the token on every request, so
/// a revoked user is signed out on their next one. Every form carries an antiforgery token.
/// </summary>
public static class WorkbenchSetup
{
    public const string Scheme = "Workbench";
    public const string TokenHashClaim = "tracker:token-hash";

    public static class Policies
    {
        public const string Read = "workbench-read";
        public const string Write = "workbench-write";
    }

    public static IServiceCollection AddWorkbench(this IServiceCollection services)
    {
        services.AddRazorPages(o =>
        {
            o.RootDirectory = "/Workbench/Pages";
            o.Conventions.AuthorizeFolder("/", Policies.Read);
            o.Conventions.AllowAnonymousToPage("/SignIn");
        });
        services.AddAuthentication().AddCookie(Scheme, o =>
        {
            o.Cookie.Name = "tracker-session";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.SlidingExpiration = true;
            o.ExpireTimeSpan = TimeSpan.FromHours(8);
            o.LoginPath = "/signin";
            o.LogoutPath = "/signout";
            o.Events.OnValidatePrincipal = StillValidAsync;
            // A refused write is a 403, not a redirect a script might follow.
            o.Events.OnRedirectToAccessDenied = c =>
            {
                c.Response.StatusCode = StatusCodes.Status403Forbidden;
                return Task.CompletedTask;
            };
        });
        services.AddAuthorizationBuilder()
            .AddPolicy(Policies.Read, p => p.AddAuthenticationSchemes(Scheme).RequireRole(Roles.Readers))
            .AddPolicy(Policies.Write, p => p.AddAuthenticationSchemes(Scheme).RequireRole(Roles.Writers));
        return services;
    }

    public static WebApplication UseWorkbench(this WebApplication app)
    {
        app.UseWorkbenchHeaders();
        app.UseStaticFiles();
        app.MapRazorPages();
        return app;
    }

    public static ClaimsPrincipal PrincipalFor(ApiUser user) => new(new ClaimsIdentity(
    [
        new Claim(ClaimTypes.Name, user.Id), new Claim(ClaimTypes.Role, user.Role), new Claim(TokenHashClaim, user.TokenHash),
    ], Scheme));

    /// <summary>The session lasts only as long as the token behind it (looked up at most once a second).</summary>
    private static async Task StillValidAsync(CookieValidatePrincipalContext context)
    {
        var hash = context.Principal?.FindFirst(TokenHashClaim)?.Value;
        var user = hash is null ? null
            : await context.HttpContext.RequestServices.GetRequiredService<TokenLookup>().FindByHashAsync(hash, context.HttpContext.RequestAborted);
        if (user is not null && user.Id == context.Principal!.Identity?.Name && user.Role == context.Principal.Role()) return;
        context.RejectPrincipal();
        await context.HttpContext.SignOutAsync(Scheme);
    }
}
