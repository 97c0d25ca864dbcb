using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Tracker.Benchmarks;

/// <summary>The three writes the benchmark needs, as plain JSON over HTTP — what any tool talking to Tracker sends.</summary>
public sealed class TrackerClient(HttpClient http)
{
    public const string Commitment = "joint-production";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static HttpClient CreateHttp(Uri baseUrl, string token, int connections)
    {
        // One keep-alive connection per client, as separate tools would have; no connection is opened mid-run.
        var handler = new SocketsHttpHandler { MaxConnectionsPerServer = connections, PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5) };
        var http = new HttpClient(handler) { BaseAddress = baseUrl, Timeout = TimeSpan.FromSeconds(60) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http;
    }

    /// <summary>Opens an agreement with one commitment for the statements to assert (<paramref name="review"/>: "required"
    /// makes every statement a proposal).</summary>
    public async Task OpenAsync(string agreementId, string? review = null)
    {
        await PostOrThrowAsync("/api/agreements", review is null
            ? new { agreementId, title = "Benchmark agreement", parties = new[] { "UKR", "FRA" } }
            : new { agreementId, title = "Benchmark agreement", parties = new[] { "UKR", "FRA" }, review });
        await PostOrThrowAsync($"/api/agreements/{agreementId}/commitments", new
        {
            commitmentId = Commitment,
            title = "Joint production of air-defence systems",
            category = "air-defence",
            responsibleActors = new[] { "UKR", "FRA" },
        });
    }

    /// <summary>Records one new statement (a fresh id each time, so every request appends an event).</summary>
    public Task<HttpResponseMessage> RecordAsync(string agreementId) =>
        PostAsync($"/api/agreements/{agreementId}/statements", Statement(Guid.NewGuid()));

    /// <summary>A statement of typical size: the shape of the README's example and of pg-baseline's row.</summary>
    private static object Statement(Guid id) => new
    {
        statementId = id,
        saidOn = "2025-06-05",
        speaker = new { name = "Rustem Umerov", role = "Minister of Defence", actor = "UKR" },
        place = "Brussels",
        quote = "Wir verfügen über solche Kampferfahrung",
        language = "de",
        translation = "We have such combat experience",
        source = new { outlet = "Example Outlet", kind = "media-report", url = "https://example.org/article" },
        assertions = new[] { new { commitmentId = Commitment, stage = "under-examination" } },
    };

    private Task<HttpResponseMessage> PostAsync(string path, object body)
    {
        // Serialised up front so the request carries a Content-Length, as a typical client's does (not chunked).
        var content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(body, Json));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return http.PostAsync(path, content);
    }

    private async Task PostOrThrowAsync(string path, object body)
    {
        using var response = await PostAsync(path, body);
        if (!response.IsSuccessStatusCode)
            throw new HttpRequestException(
                $"POST {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>A body to show for a failed request, shortened.</summary>
    public static async Task<string> DescribeAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        return $"{(int)response.StatusCode} {(body.Length > 500 ? body[..500] + "…" : body)}";
    }
}
