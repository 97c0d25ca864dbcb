using System.Net;
using System.Text.Json.Nodes;
using Tracker.Agreements;
using Tracker.Reports.Rendering;
using Tracker.Security;
using Tracker.Tests.Support;

namespace Tracker.Tests.Http;

/// <summary>The API description a client generator or a new colleague reads: complete, in words, without internals.</summary>
[Collection(AppCollection.Name)]
public class ApiDescriptionTests(TrackerApp app)
{
    private static readonly string[] ContractPaths =
    [
        "/api/agreements", "/api/agreements/{agreementId}", "/api/agreements/{agreementId}/commitments",
        "/api/agreements/{agreementId}/commitments/{commitmentId}", "/api/agreements/{agreementId}/commitments/{commitmentId}/history",
        "/api/agreements/{agreementId}/statements", "/api/agreements/{agreementId}/statements/{statementId}",
        "/api/agreements/{agreementId}/statements/{statementId}/corrections",
        "/api/agreements/{agreementId}/statements/{statementId}/retraction",
        "/api/reports/status", "/api/reports/changes", "/api/audit",
    ];

    private static void ShouldDescribeTheContract(JsonNode document)
    {
        var paths = document["paths"]!.AsObject().Select(p => p.Key).ToList();
        foreach (var path in ContractPaths) paths.ShouldContain(path);
        document.ToJsonString().ShouldNotContain("Tracker.", customMessage: "internal type names leak into the description");
        document["paths"]!["/api/agreements/{agreementId}/statements"]!["post"]!["summary"]!.ToString().ShouldStartWith("Record a statement");
    }

    [Fact]
    public async Task the_served_description_lists_every_endpoint_of_the_contract()
    {
        ShouldDescribeTheContract(await new Api(app).As(app.ReaderToken).Get("/openapi/v1.json"));
    }

    [Fact]
    public async Task the_openapi_verb_writes_the_same_description_to_a_file_without_a_database()
    {
        var file = Path.Combine(Path.GetTempPath(), $"tracker-openapi-{Guid.NewGuid():N}.json");
        try
        {
            var run = await TrackerProcess.RunAsync(new Dictionary<string, string?>(), "openapi", "-o", file);

            run.ExitCode.ShouldBe(0, run.ToString());
            ShouldDescribeTheContract(JsonNode.Parse(await File.ReadAllTextAsync(file))!);
        }
        finally
        {
            File.Delete(file);
        }
    }

    private Task<JsonNode> Description() => new Api(app).Anonymous().Get("/openapi/v1.json");

    private static JsonNode Schema(JsonNode document, string name) => document["components"]!["schemas"]![name]!;

    private static List<string> Enum(JsonNode? schema) => schema!["enum"]!.AsArray().Select(v => v!.ToString()).ToList();

    [Fact]
    public async Task every_vocabulary_is_an_enum_with_the_values_the_code_accepts()
    {
        var document = await Description();

        Enum(Schema(document, "Stage")).ShouldBe(Vocabulary.NamesOf<Stage>());
        Enum(Schema(document, "Category")).ShouldBe(Vocabulary.NamesOf<Category>());
        Enum(Schema(document, "SourceKind")).ShouldBe(Vocabulary.NamesOf<SourceKind>());
        // Request fields take the vocabularies as text; the description still lists the values.
        Enum(Schema(document, "AddCommitment")["properties"]!["category"]).ShouldBe(Vocabulary.NamesOf<Category>());
        Enum(Schema(document, "CommitmentInput")["properties"]!["category"]).ShouldBe(Vocabulary.NamesOf<Category>());
        Enum(Schema(document, "AssertionInput")["properties"]!["stage"]).ShouldBe(Vocabulary.NamesOf<Stage>());
        Enum(Schema(document, "SourceInput")["properties"]!["kind"]).ShouldBe(Vocabulary.NamesOf<SourceKind>());
        Enum(Schema(document, "AddUser")["properties"]!["role"]).ShouldBe(Roles.All);
        var report = document["paths"]!["/api/reports/status"]!["get"]!["parameters"]!.AsArray().ToDictionary(p => p!["name"]!.ToString());
        Enum(report["stage"]!["schema"]).ShouldBe(Vocabulary.NamesOf<Stage>());
        Enum(report["category"]!["schema"]).ShouldBe(Vocabulary.NamesOf<Category>());
        Enum(report["format"]!["schema"]).ShouldBe(ReportFormats.Names);
    }

    [Fact]
    public async Task every_operation_but_health_needs_the_bearer_token_and_the_server_url_has_no_trailing_slash()
    {
        var document = await Description();

        var scheme = document["components"]!["securitySchemes"]!["bearer"]!;
        scheme["type"]!.ToString().ShouldBe("http");
        scheme["scheme"]!.ToString().ShouldBe("bearer");
        foreach (var (path, item) in document["paths"]!.AsObject())
        foreach (var (method, operation) in item!.AsObject())
        {
            var security = operation!["security"]!.ToJsonString();
            security.ShouldBe(path == "/health" ? "[]" : """[{"bearer":[]}]""", $"{method} {path}");
        }
        foreach (var server in document["servers"]!.AsArray())
        {
            var url = server!["url"]!.ToString();
            (url == "/" || !url.EndsWith('/')).ShouldBeTrue(url);
        }
    }

    [Fact]
    public async Task request_schemas_hold_what_a_client_sends_and_nothing_computed()
    {
        var document = await Description();
        foreach (var name in new[] { "OpenAgreement", "AddCommitment", "RecordStatement", "CorrectStatement", "RetractStatement" })
        {
            var properties = Schema(document, name)["properties"]!.AsObject().Select(p => p.Key).ToList();
            properties.ShouldNotContain("expectedVersion", $"{name}: the expected version is the If-Match header");
            properties.ShouldNotContain("statement", $"{name}: a computed property is no input");
        }
        var record = Schema(document, "RecordStatement")["required"]!.AsArray().Select(r => r!.ToString()).ToList();
        record.ShouldBe(["saidOn", "speaker", "quote", "language", "source", "assertions"], ignoreOrder: true);
        Schema(document, "CorrectStatement")["required"]!.AsArray().Select(r => r!.ToString()).ShouldBe(["changes", "reason"], ignoreOrder: true);
        Schema(document, "RetractStatement")["required"]!.AsArray().Select(r => r!.ToString()).ShouldBe(["reason"]);
        Schema(document, "AddCommitment")["required"]!.AsArray().Select(r => r!.ToString()).ShouldBe(["commitmentId", "title", "category"], ignoreOrder: true);
        var ifMatch = document["paths"]!["/api/agreements/{agreementId}/statements"]!["post"]!["parameters"]!.AsArray()
            .Single(p => p!["name"]!.ToString() == "If-Match")!;
        ifMatch["in"]!.ToString().ShouldBe("header");
    }

    /// <summary>The description's required list against the server: leaving out a required field of a valid body is
    /// refused naming it; leaving out any other field is not.</summary>
    [Fact]
    public async Task a_field_the_description_requires_is_one_the_server_refuses_to_do_without()
    {
        var api = new Api(app);
        var document = await Description();
        var id = "req-" + Guid.NewGuid().ToString("N")[..8];
        await api.Open(id, "c1");
        var statementId = Guid.NewGuid();
        await api.Record(id, Api.Statement("c1", "raised", id: statementId));
        var toRetract = Guid.NewGuid();
        await api.Record(id, Api.Statement("c1", "raised", id: toRetract));
        var bodies = new (string Schema, string Url, Func<JsonObject> Body)[]
        {
            ("OpenAgreement", "/api/agreements", () => Node(new { agreementId = "req-" + Guid.NewGuid().ToString("N")[..8], title = "T", parties = new[] { "UKR", "FRA" }, summary = "S", tags = new[] { "t" } })),
            ("AddCommitment", $"/api/agreements/{id}/commitments", () => Node(new { agreementId = id, commitmentId = "c-" + Guid.NewGuid().ToString("N")[..6], title = "T", category = "drones", responsibleActors = new[] { "UKR" } })),
            ("RecordStatement", $"/api/agreements/{id}/statements", () => Node(Api.Statement("c1", "announced")).With("agreementId", id)),
            ("CorrectStatement", $"/api/agreements/{id}/statements/{statementId}/corrections", () => Node(new { agreementId = id, statementId, correctionId = Guid.NewGuid(), reason = "misread", changes = new { place = "Kyiv " + Guid.NewGuid() } })),
            ("RetractStatement", $"/api/agreements/{id}/statements/{toRetract}/retraction", () => Node(new { reason = "r" })),
        };
        var wrong = new List<string>();
        foreach (var (schema, url, body) in bodies)
        {
            var required = Schema(document, schema)["required"]!.AsArray().Select(r => r!.ToString()).ToHashSet();
            foreach (var field in body().Select(p => p.Key).ToList())
            {
                var without = body();
                without.Remove(field);
                var (status, problem, _) = await api.Send(HttpMethod.Post, url, without.ToJsonString());
                var refusedForIt = status == HttpStatusCode.BadRequest && problem?["errors"]?[field] is not null;
                if (refusedForIt != required.Contains(field))
                    wrong.Add($"{schema}.{field}: described as {(required.Contains(field) ? "required" : "optional")}, but without it: {(int)status} {problem?.ToJsonString()}");
            }
        }
        wrong.ShouldBeEmpty(string.Join("\n", wrong));
    }

    private static JsonObject Node(object value) => System.Text.Json.JsonSerializer.SerializeToNode(value,
        new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web))!.AsObject();

    [Fact]
    public async Task an_expected_version_anywhere_but_if_match_is_refused_naming_it_and_if_match()
    {
        var api = new Api(app);
        var id = "ver-" + Guid.NewGuid().ToString("N")[..8];
        var opened = await api.Open(id, "c1");
        var version = opened["version"]!.GetValue<long>();

        var (status, problem, _) = await api.Send(HttpMethod.Post, $"/api/agreements/{id}/statements",
            Api.Statement("c1", "raised"), Query($"?expectedVersion={version}"));
        status.ShouldBe(HttpStatusCode.BadRequest);
        problem!["errors"]!["expectedVersion"]![0]!.ToString().ShouldContain("If-Match");

        (status, problem, _) = await api.Send(HttpMethod.Post, $"/api/agreements/{id}/statements",
            Node(Api.Statement("c1", "raised")).With("expectedVersion", version));
        status.ShouldBe(HttpStatusCode.BadRequest);
        problem!["errors"]!["expectedVersion"]![0]!.ToString().ShouldContain("If-Match");

        (status, problem, _) = await api.Send(HttpMethod.Post, $"/api/agreements/{id}/statements", Api.Statement("c1", "raised"),
            Query("?dryRun=true"));
        status.ShouldBe(HttpStatusCode.BadRequest);
        problem!["errors"]!["dryRun"].ShouldNotBeNull();

        var summary = await api.Get($"/api/agreements/{id}");
        summary["version"]!.GetValue<long>().ShouldBe(version, "none of the refused writes was appended");
        await api.Post($"/api/agreements/{id}/statements", Api.Statement("c1", "raised"),
            configure: s => s.WithRequestHeader("If-Match", $"\"{version}\""));
    }

    /// <summary>A query string on a POST (Alba's URL for a body request keeps only the path).</summary>
    private static Action<Alba.Scenario> Query(string query) =>
        s => s.ConfigureHttpContext(c => c.Request.QueryString = new Microsoft.AspNetCore.Http.QueryString(query));

    [Fact]
    public async Task the_docs_page_offers_the_bearer_scheme_s_authorize_button_and_asks_nothing_with_prompt()
    {
        var api = new Api(app).Anonymous();
        var (status, _, page) = await api.Send(HttpMethod.Get, "/docs/index.html");
        status.ShouldBe(HttpStatusCode.OK);
        var html = await page.ReadAsTextAsync();
        var (configStatus, _, config) = await api.Send(HttpMethod.Get, "/docs/index.js");
        var script = configStatus == HttpStatusCode.OK ? await config.ReadAsTextAsync() : "";
        (html + script).ShouldNotContain("prompt(");
        (html + script).ShouldContain("/openapi/v1.json");
        // Swagger UI shows Authorize for the description's security schemes; the description loads without a token.
        (await Description())["components"]!["securitySchemes"]!["bearer"].ShouldNotBeNull();
    }
}

internal static class JsonObjectWith
{
    public static JsonObject With(this JsonObject json, string field, JsonNode? value)
    {
        json[field] = value;
        return json;
    }

    public static JsonObject With(this JsonObject json, string field, long value) => json.With(field, JsonValue.Create(value));
}
