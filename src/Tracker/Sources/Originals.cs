using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Tracker.Sources;

/// <summary>
/// The original bytes of a capture, for a reader who opens them in a browser. A captured page is whatever a third
/// party served: it must not be able to act with the analyst's workbench session. What keeps it from doing so:
/// <list type="bullet">
/// <item><c>Content-Security-Policy: sandbox</c> without <c>allow-same-origin</c> or <c>allow-scripts</c>: no script
/// runs, no form submits, and the page has an opaque origin, so nothing it does is same-origin with the workbench (and
/// a navigation it starts is cross-site: the SameSite=Strict session cookie is not sent with it); <c>default-src 'none'</c>
/// besides, so it loads nothing.</item>
/// <item>It is served under its own path, <c>/originals/{capability}</c>, which no session is needed for or used on:
/// the capability is a link the server signed for a signed-in reader (time-limited, by the data-protection keys),
/// the request's Cookie header is dropped before anything of the application sees it, and no Set-Cookie ever leaves
/// (a sliding session is never renewed by an original).</item>
/// <item>Where the deployment gives one (<see cref="SourceOptions.OriginalsOrigin"/>), the link points to another
/// origin altogether, which the session cookie is never sent to: the strongest separation, for browsers that do
/// not honour the sandbox.</item>
/// </list>
/// A cookie's Path is no security boundary within one origin (RFC 6265, section 8.5), which is why the path alone is
/// not relied on.
/// </summary>
public sealed class Originals(IDataProtectionProvider protection, IOptions<SourceOptions> options)
{
    public const string PathPrefix = "/originals";
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(1);

    private readonly ITimeLimitedDataProtector _protector =
        protection.CreateProtector("Tracker.Sources.Originals").ToTimeLimitedDataProtector();

    /// <summary>A link to the original of the capture, good for <see cref="Lifetime"/>.</summary>
    public string LinkTo(string sha256) =>
        $"{options.Value.OriginalsOrigin?.TrimEnd('/')}{PathPrefix}/{_protector.Protect(sha256.ToLowerInvariant(), Lifetime)}";

    public string? Open(string capability)
    {
        try
        {
            var sha = _protector.Unprotect(capability);
            return sha.Length == 64 && sha.All(Uri.IsHexDigit) ? sha : null;
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return null;
        }
    }

    /// <summary>The path's own rules, ahead of authentication: no cookie in, none out.</summary>
    public static void UseCookielessPath(IApplicationBuilder app) =>
        app.UseWhen(http => http.Request.Path.StartsWithSegments(PathPrefix), branch => branch.Use(async (http, next) =>
        {
            http.Request.Headers.Remove("Cookie");
            http.Response.OnStarting(() =>
            {
                http.Response.Headers.Remove("Set-Cookie");
                return Task.CompletedTask;
            });
            await next(http);
        }));

    public static void Map(IEndpointRouteBuilder app) =>
        app.MapGet(PathPrefix + "/{capability}", ServeAsync).AllowAnonymous().ExcludeFromDescription();

    private static async Task<IResult> ServeAsync(string capability, Originals originals, NpgsqlDataSource dataSource, HttpResponse response,
        CancellationToken ct)
    {
        if (originals.Open(capability) is not { } sha || await SourceBlobs.GetAsync(dataSource, sha, withBytes: true, ct) is not { } blob)
            return Results.NotFound();
        CaptureEndpoints.Sandbox(response.Headers);
        response.Headers.CacheControl = "private, no-store";
        var inline = blob.ContentType is "text/html" or "application/pdf" or "text/plain";
        return Results.File(blob.Bytes, blob.ContentType, inline ? null : $"{sha[..16]}.bin");
    }
}
