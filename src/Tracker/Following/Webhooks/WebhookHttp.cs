using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Tracker.Following.Webhooks;

/// <summary>The answer to one attempt: a status (null when none came) and what went wrong, if anything.</summary>
public sealed record AttemptResult(bool Delivered, int? Status, string? Error);

/// <summary>
/// The one HTTP client webhooks are sent with. Each new connection resolves the host itself and connects only to an
/// address <see cref="Infrastructure.Net.OutboundTargets"/> allows (<see cref="Infrastructure.Net.GuardedConnect"/>) (no proxy: a proxy would connect for us, to wherever it is told);
/// redirects are not followed (a 3xx is a failed attempt, so a target cannot bounce the POST elsewhere); each attempt
/// is bounded by the timeout, and at most <see cref="MaxResponseBytes"/> of an answer is read.
/// </summary>
public sealed class WebhookHttp : IDisposable
{
    public const int MaxResponseBytes = 64 * 1024;
    private readonly HttpClient _client;
    private readonly WebhookOptions _options;

    public WebhookHttp(IOptions<WebhookOptions> options) : this(options.Value) { }

    public WebhookHttp(WebhookOptions options)
    {
        _options = options;
        var allowPrivate = options.AllowPrivateTargets;
        _client = new HttpClient(new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseProxy = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
            ConnectTimeout = options.Timeout,
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            MaxResponseHeadersLength = 64,
            ConnectCallback = Infrastructure.Net.GuardedConnect.Callback(allowPrivate),
        })
        { Timeout = Timeout.InfiniteTimeSpan };
    }

    /// <summary>POSTs the body signed per Standard Webhooks; a 2xx is delivered, anything else a failed attempt.</summary>
    public async Task<AttemptResult> SendAsync(string url, string webhookId, string secret, string body, CancellationToken ct)
    {
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("webhook-id", webhookId);
        request.Headers.Add("webhook-timestamp", timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.Add("webhook-signature", Sign(secret, webhookId, timestamp, body));
        request.Headers.UserAgent.ParseAdd("Tracker-Webhooks/1");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(_options.Timeout);
        try
        {
            using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            var status = (int)response.StatusCode;
            var excerpt = await ExcerptAsync(response, timeout.Token);
            if (status is >= 200 and < 300) return new AttemptResult(true, status, null);
            var what = status is >= 300 and < 400
                ? $"answered {status} (a redirect{(response.Headers.Location is { } to ? $" to {to}" : "")}: redirects are not followed)"
                : $"answered {status}";
            return new AttemptResult(false, status, excerpt.Length == 0 ? what : $"{what}: {excerpt}");
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return new AttemptResult(false, null, $"no answer within {_options.Timeout.TotalSeconds:0.#} s");
        }
        catch (HttpRequestException e)
        {
            return new AttemptResult(false, null, Infrastructure.Net.GuardedConnect.Describe(e));
        }
    }

    /// <summary>The start of the answer's body (for the delivery's last error), never more than the cap read.</summary>
    private static async Task<string> ExcerptAsync(HttpResponseMessage response, CancellationToken ct)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(ct);
        // Pooled: a buffer of the cap for every POST was 64 KB of garbage a delivery, thousands of them a second.
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(MaxResponseBytes);
        try
        {
            var read = 0;
            while (read < MaxResponseBytes && await stream.ReadAsync(buffer.AsMemory(read, MaxResponseBytes - read), ct) is var n and > 0) read += n;
            if (read == 0) return "";
            var text = Encoding.UTF8.GetString(buffer, 0, read).Trim();
            return text.Length > 200 ? text[..200] + "…" : text;
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Standard Webhooks: <c>v1,</c> + base64 HMAC-SHA256 of <c>id.timestamp.body</c>, keyed with the secret's
    /// bytes (the base64 after <c>whsec_</c>).</summary>
    public static string Sign(string secret, string webhookId, long timestamp, string body)
    {
        var key = Convert.FromBase64String(secret.StartsWith(WebhookSecrets.Prefix, StringComparison.Ordinal) ? secret[WebhookSecrets.Prefix.Length..] : secret);
        var signed = Encoding.UTF8.GetBytes(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{webhookId}.{timestamp}.{body}"));
        return "v1," + Convert.ToBase64String(HMACSHA256.HashData(key, signed));
    }

    public void Dispose() => _client.Dispose();
}
