using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Alba;

namespace Tracker.Tests.Support;

/// <summary>An analyst's HTTP client: plain JSON in and out, as a tool talking to Tracker would send it.</summary>
public sealed class Api(TrackerApp app, string? token = null)
{
    private string Token => token ?? app.AnalystToken;

    public Api As(string otherToken) => new(app, otherToken);

    /// <summary>A client that sends no credentials at all.</summary>
    public Api Anonymous() => new(app, "");

    public async Task<(HttpStatusCode Status, JsonNode? Body, IScenarioResult Result)> Send(HttpMethod method, string url,
        object? body = null, Action<Scenario>? configure = null)
    {
        var result = await app.Host.Scenario(s =>
        {
            if (method == HttpMethod.Get) s.Get.Url(url);
            else if (method == HttpMethod.Delete) s.Delete.Url(url);
            else if (body is null && method == HttpMethod.Post) s.Post.Url(url);
            else if (body is string raw) s.Post.Text(raw).ToUrl(url).ContentType("application/json");
            else s.Post.Json(body ?? new { }).ToUrl(url);
            if (Token.Length > 0) s.WithBearerToken(Token);
            s.IgnoreStatusCode();
            configure?.Invoke(s);
        });
        var text = await result.ReadAsTextAsync();
        var status = (HttpStatusCode)result.Context.Response.StatusCode;
        return (status, string.IsNullOrWhiteSpace(text) || !text.TrimStart().StartsWith('{') && !text.TrimStart().StartsWith('[')
            ? null : JsonNode.Parse(text), result);
    }

    public async Task<JsonNode> Get(string url, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var (status, body, _) = await Send(HttpMethod.Get, url);
        status.ShouldBe(expected, body?.ToJsonString());
        return body!;
    }

    public async Task<JsonNode> Post(string url, object body, HttpStatusCode expected = HttpStatusCode.Created,
        Action<Scenario>? configure = null)
    {
        var (status, responseBody, _) = await Send(HttpMethod.Post, url, body, configure);
        status.ShouldBe(expected, responseBody?.ToJsonString());
        return responseBody!;
    }

    public Task<JsonNode> Open(string agreementId, params string[] commitments) =>
        OpenWith(agreementId, commitments);

    private async Task<JsonNode> OpenWith(string agreementId, string[] commitments)
    {
        var opened = await Post("/api/agreements", new
        {
            agreementId, title = "Ukraine–France defence-industrial cooperation", parties = new[] { "UKR", "FRA" },
            tags = new[] { "defence-industry" },
        });
        foreach (var c in commitments)
            opened = await Post($"/api/agreements/{agreementId}/commitments", new
            {
                commitmentId = c, title = $"Joint production: {c}", category = "air-defence",
                responsibleActors = new[] { "UKR", "FRA" },
            });
        return opened;
    }

    public static object Statement(string commitment, string stage, string saidOn = "2025-06-05", Guid? id = null,
        string actor = "UKR", string speaker = "Rustem Umerov", string quote = "Darüber hinaus vereinbarten die Seiten, … zu prüfen.") =>
        new
        {
            statementId = id ?? Guid.NewGuid(),
            saidOn,
            speaker = new { name = speaker, role = "Minister of Defence", actor },
            place = "Brussels",
            quote,
            language = "de",
            translation = "The sides agreed to examine …",
            source = new { outlet = "Example Outlet", kind = "media-report", url = "https://example.org/article" },
            assertions = new[] { new { commitmentId = commitment, stage } },
        };

    public Task<JsonNode> Record(string agreementId, object statement, HttpStatusCode expected = HttpStatusCode.Created) =>
        Post($"/api/agreements/{agreementId}/statements", statement, expected);

    /// <summary>A 200's body as text (a report in any format), without the byte-order mark CSV starts with.</summary>
    public async Task<string> Text(string url)
    {
        var (status, _, result) = await Send(HttpMethod.Get, url);
        status.ShouldBe(HttpStatusCode.OK, url);
        var response = result.Context.Response;
        response.Body.Position = 0;
        using var reader = new StreamReader(response.Body, System.Text.Encoding.UTF8);
        return (await reader.ReadToEndAsync()).TrimStart('\uFEFF');
    }

    public static string Stage(JsonNode status) => status["stage"]?.GetValue<string>() ?? "none";

    public static T Read<T>(JsonNode node) => node.Deserialize<T>(new JsonSerializerOptions(JsonSerializerDefaults.Web))!;
}
