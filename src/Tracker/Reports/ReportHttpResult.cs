using System.Text;
using Microsoft.Net.Http.Headers;
using Tracker.Reports.Rendering;

namespace Tracker.Reports;

/// <summary>A report as an HTTP response: its content type, a file name for CSV downloads, and for HTML a
/// policy that lets the page run nothing and load nothing (it needs only its own inline styles).</summary>
public abstract class ReportResponse(ReportFormat format, string fileName) : IResult
{
    protected ReportFormat Format => format;

    public const string HtmlPolicy = "default-src 'none'; style-src 'unsafe-inline'";

    public async Task ExecuteAsync(HttpContext http)
    {
        var response = http.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = format.ContentType();
        response.Headers.XContentTypeOptions = "nosniff";
        // CSV is downloaded as a file; the other formats are shown in place.
        if (format == ReportFormat.Csv)
            response.Headers.ContentDisposition =
                new ContentDispositionHeaderValue("attachment") { FileName = fileName }.ToString();
        if (format == ReportFormat.Html) response.Headers.ContentSecurityPolicy = HtmlPolicy;
        await WriteBodyAsync(response, http.RequestAborted);
    }

    protected abstract Task WriteBodyAsync(HttpResponse response, CancellationToken ct);
}

/// <summary>A report rendered whole (a JSON page): sent with its length.</summary>
public sealed class ReportHttpResult(RenderedReport report) : ReportResponse(report.Format, report.FileName)
{
    protected override async Task WriteBodyAsync(HttpResponse response, CancellationToken ct)
    {
        var body = report.ToBytes();
        response.ContentLength = body.Length;
        await response.Body.WriteAsync(body, ct);
    }
}

/// <summary>
/// A whole report streamed from the database as it is rendered (chunked): the service holds a row at a time, however
/// large the portfolio. CSV starts with a byte-order mark, as <see cref="RenderedReport.ToBytes"/> explains.
/// </summary>
public sealed class StreamedReportResult(ReportFormat reportFormat, string fileName, Func<TextWriter, CancellationToken, Task> write)
    : ReportResponse(reportFormat, fileName)
{
    protected override async Task WriteBodyAsync(HttpResponse response, CancellationToken ct)
    {
        if (Format == ReportFormat.Csv) await response.Body.WriteAsync(Encoding.UTF8.Preamble.ToArray(), ct);
        await using var writer = new StreamWriter(response.Body, new UTF8Encoding(false), bufferSize: 64 * 1024);
        await write(writer, ct);
    }
}
