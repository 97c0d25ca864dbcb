using System.Text.Json.Nodes;
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
}
