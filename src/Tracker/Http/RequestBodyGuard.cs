using System.Text.Json;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Extensions.Options;
using Tracker.Infrastructure;

namespace Tracker.Http;

/// <summary>
/// Reads a write's JSON body before the endpoint does, so that every way a body can be wrong gets our problem
/// response: 413 above the limit (the test server and proxies do not enforce Kestrel's), 415 for anything but JSON,
/// and 400 naming the field for JSON that does not parse or bind — where the framework's own answer would name
/// internal types.
/// </summary>
public sealed class RequestBodyGuard(RequestDelegate next, IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json)
{
    private const int Limit = TrackerHost.MaxRequestBodyBytes;

    public async Task InvokeAsync(HttpContext http)
    {
        var bodyType = http.GetEndpoint()?.Metadata.GetMetadata<IAcceptsMetadata>()?.RequestType;
        if (bodyType is null)
        {
            await next(http);
            return;
        }
        if (http.Request.ContentLength > Limit)
        {
            await Problems.TooLarge().ExecuteAsync(http);
            return;
        }
        if (!IsJson(http.Request.ContentType))
        {
            await Problems.UnsupportedMediaType().ExecuteAsync(http);
            return;
        }

        var body = await ReadBoundedAsync(http.Request.Body, http.RequestAborted);
        if (body is null)
        {
            await Problems.TooLarge().ExecuteAsync(http);
            return;
        }
        try
        {
            JsonSerializer.Deserialize(body, bodyType, json.Value.SerializerOptions);
        }
        catch (JsonException e)
        {
            await Problems.Invalid(JsonField(e), JsonReason(e)).ExecuteAsync(http);
            return;
        }
        http.Request.Body = new MemoryStream(body, writable: false);
        http.Request.ContentLength = body.Length;
        await next(http);
    }

    private static bool IsJson(string? contentType) =>
        contentType is not null && (contentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase)
            || contentType.Split(';')[0].Trim().EndsWith("+json", StringComparison.OrdinalIgnoreCase));

    /// <summary>The body, or null when it runs past the limit (a chunked body announces no length).</summary>
    private static async Task<byte[]?> ReadBoundedAsync(Stream body, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > Limit) return null;
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    /// <summary>The JSON path of the bad value, in the request's own camelCase, e.g. <c>source.publishedOn</c>.</summary>
    private static string JsonField(JsonException e) =>
        string.IsNullOrEmpty(e.Path) || e.Path == "$" ? "body" : e.Path.TrimStart('$', '.');

    private static string JsonReason(JsonException e) =>
        e.Message.Contains("could not be converted", StringComparison.Ordinal) ? "has the wrong type or format"
        : string.IsNullOrEmpty(e.Path) || e.Path == "$" ? "is not valid JSON"
        : "is not valid JSON at this point";
}
