using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Tracker.Workbench;

/// <summary>
/// What every workbench page lets a browser do with it, and nothing more. The pages take their script, styles and
/// icon from this site's own files only, never inline, so text an analyst recorded (a quote, an outlet's URL) can
/// never become code on a colleague's screen, even if some page forgot to encode it; forms post only back here; no
/// other site may frame a page (to trick a click on Save) or plant a base for its links.
/// </summary>
public static class WorkbenchHeaders
{
    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    /// <summary>Sends them with every response a workbench page gives (not with the API's, which browsers do not render).</summary>
    public static WebApplication UseWorkbenchHeaders(this WebApplication app)
    {
        app.Use((context, next) =>
        {
            if (context.GetEndpoint()?.Metadata.GetMetadata<PageActionDescriptor>() is not null)
            {
                var headers = context.Response.Headers;
                headers.ContentSecurityPolicy = ContentSecurityPolicy;
                // For browsers that predate frame-ancestors; set first, so antiforgery's SAMEORIGIN does not replace it.
                headers.XFrameOptions = "DENY";
                headers.XContentTypeOptions = "nosniff";
                // Links out (a statement's source) do not tell the outlet which agreement or search an analyst was on.
                headers["Referrer-Policy"] = "same-origin";
            }
            return next(context);
        });
        return app;
    }
}
