using System.Text;
using Microsoft.Net.Http.Headers;
using Tracker.Reports.Rendering;

namespace Tracker.Reports;

/// <summary>A report as an HTTP response: its content type, a file name for downloads (CSV, xlsx), and for HTML a
/// policy that lets the page run nothing and load nothing (it needs only its own inline styles).</summary>
public abstract class ReportResponse(ReportFormat format, string fileName) : IResult
{
    protected ReportFormat Format => format;

    public const string HtmlPolicy = "default-src 'none'; style-src 'unsafe-inline'";

    public async Task ExecuteAsync(HttpContext http)
    {
        Start(http.Response, format, fileName);
        await WriteBodyAsync(http.Response, http.RequestAborted);
    }

    /// <summary>The status line and headers of a report in the format.</summary>
    public static void Start(HttpResponse response, ReportFormat format, string fileName)
    {
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = format.ContentType();
        response.Headers.XContentTypeOptions = "nosniff";
        // CSV and the workbook are downloaded as files; the other formats are shown in place.
        if (format.IsDownload())
            response.Headers.ContentDisposition =
                new ContentDispositionHeaderValue("attachment") { FileName = fileName }.ToString();
        if (format == ReportFormat.Html) response.Headers.ContentSecurityPolicy = HtmlPolicy;
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

/// <summary>
/// A CSV report whose records PostgreSQL writes (<see cref="CsvCopy"/>): the byte-order mark, then the bytes as they
/// come, chunked.
/// </summary>
public sealed class CopiedCsvResult(string fileName, Func<Stream, CancellationToken, Task> write)
    : ReportResponse(ReportFormat.Csv, fileName)
{
    protected override async Task WriteBodyAsync(HttpResponse response, CancellationToken ct)
    {
        await response.Body.WriteAsync(Encoding.UTF8.Preamble.ToArray(), ct);
        await write(response.Body, ct);
    }
}
