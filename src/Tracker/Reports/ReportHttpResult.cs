using Microsoft.Net.Http.Headers;
using Tracker.Reports.Rendering;

namespace Tracker.Reports;

/// <summary>A rendered report as an HTTP response: its content type, a file name for CSV downloads, and for HTML a
/// policy that lets the page run nothing and load nothing (it needs only its own inline styles).</summary>
public sealed class ReportHttpResult(RenderedReport report) : IResult
{
    public const string HtmlPolicy = "default-src 'none'; style-src 'unsafe-inline'";

    public async Task ExecuteAsync(HttpContext http)
    {
        var body = report.ToBytes();
        var response = http.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = report.ContentType;
        response.ContentLength = body.Length;
        response.Headers.XContentTypeOptions = "nosniff";
        if (report.IsDownload)
            response.Headers.ContentDisposition =
                new ContentDispositionHeaderValue("attachment") { FileName = report.FileName }.ToString();
        if (report.Format == ReportFormat.Html) response.Headers.ContentSecurityPolicy = HtmlPolicy;
        await response.Body.WriteAsync(body, http.RequestAborted);
    }
}
