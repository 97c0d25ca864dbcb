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
            var value = JsonSerializer.Deserialize(body, bodyType, json.Value.SerializerOptions);
            if (value is null)
            {
                await Problems.Invalid("body", "is required: send a JSON object").ExecuteAsync(http);
                return;
            }
            // If-Match is the one way to say which version a write expects; two ways could disagree.
            if (value is Agreements.Deciding.IAgreementCommand { ExpectedVersion: not null })
            {
                await Problems.Invalid("expectedVersion", WriteQueryGuard.ExpectedVersionReason).ExecuteAsync(http);
                return;
            }
        }
        catch (JsonException e)
        {
            await Problems.Invalid(StrictJson.Field(e), StrictJson.Reason(e)).ExecuteAsync(http);
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
}
