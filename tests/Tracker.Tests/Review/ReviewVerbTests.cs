using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Marten;
using Tracker.Agreements;
using Tracker.Tests.Support;

namespace Tracker.Tests.Review;

/// <summary>Review at a terminal: the queue, a decision (never on one's own proposal, whatever --user says it is), and an
/// administrator's import whose lines are recorded as pre-approved.</summary>
[Collection(AppCollection.Name)]
public class ReviewVerbTests(TrackerApp app) : IDisposable
{
    private const string Commitment = "iris-t";
    private readonly string _dir = Directory.CreateTempSubdirectory("tracker-review-").FullName;
    private readonly Api a = new(app);

    private Task<TrackerProcess.Result> Tracker(params string[] args) =>
        TrackerProcess.RunAsync(new Dictionary<string, string?> { ["TRACKER_DB"] = app.ConnectionString }, args);

    private async Task<string> OpenReviewed()
    {
        var id = "rvc-" + Guid.NewGuid().ToString("N")[..10];
        await a.Post("/api/agreements", new { agreementId = id, title = "T", parties = new[] { "DEU", "UKR" }, review = "required" });
        await a.Post($"/api/agreements/{id}/commitments", new { commitmentId = Commitment, title = "IRIS-T", category = "air-defence" });
        return id;
    }

    [Fact]
    public async Task the_review_verb_lists_the_queue_and_decides_as_another_user_only()
    {
        var id = await OpenReviewed();
        var statementId = Guid.NewGuid();
        await a.Record(id, Api.Statement(Commitment, "announced", id: statementId), HttpStatusCode.Accepted);

        var listed = await Tracker("review", "--list", "--agreement", id);
        listed.ExitCode.ShouldBe(0, listed.ToString());
        var line = JsonNode.Parse(listed.Output.Trim())!;
        line["statementId"]!.GetValue<Guid>().ShouldBe(statementId);
        line["proposed"]!["by"]!.GetValue<string>().ShouldBe(TrackerApp.Analyst);

        var own = await Tracker("review", "-a", id, "-i", statementId.ToString(), "-d", "approve", "--user", TrackerApp.Analyst);
        own.ExitCode.ShouldNotBe(0, own.ToString());
        own.Error.ShouldContain("your own");
        var noReason = await Tracker("review", "-a", id, "-i", statementId.ToString(), "-d", "return", "--user", TrackerApp.SecondAnalyst);
        noReason.ExitCode.ShouldNotBe(0, noReason.ToString());
        noReason.Error.ShouldContain("reason");
        Api.Stage(await a.Get($"/api/agreements/{id}/commitments/{Commitment}")).ShouldBe("none");

        var approved = await Tracker("review", "-a", id, "-i", statementId.ToString(), "-d", "approve", "--user", TrackerApp.SecondAnalyst);
        approved.ExitCode.ShouldBe(0, approved.ToString());
        JsonNode.Parse(approved.Output)!["state"]!.GetValue<string>().ShouldBe("approved");
        Api.Stage(await a.Get($"/api/agreements/{id}/commitments/{Commitment}")).ShouldBe("announced");
    }

    [Fact]
    public async Task an_administrators_import_may_mark_its_lines_pre_approved_and_the_record_says_so()
    {
        var id = await OpenReviewed();
        var statementId = Guid.NewGuid();
        var file = Path.Combine(_dir, "lines.jsonl");
        var statement = JsonSerializer.SerializeToNode(Api.Statement(Commitment, "signed", id: statementId))!.AsObject();
        statement["type"] = "record-statement";
        statement["agreementId"] = id;
        await File.WriteAllTextAsync(file, statement.ToJsonString() + "\n", new UTF8Encoding(false));

        var notAdmin = await Tracker("import", file, "--pre-approved", "--user", TrackerApp.Analyst);
        notAdmin.ExitCode.ShouldNotBe(0, notAdmin.ToString());
        notAdmin.Error.ShouldContain("not an administrator");

        var imported = await Tracker("import", file, "--pre-approved", "--user", TrackerApp.Admin);
        imported.ExitCode.ShouldBe(0, imported.ToString());
        Api.Stage(await a.Get($"/api/agreements/{id}/commitments/{Commitment}")).ShouldBe("signed");
        await using var session = app.Store.QuerySession();
        var events = await session.Events.FetchStreamAsync(id);
        var review = events.Select(e => e.Data).OfType<StatementReviewed>().Single();
        review.Reason.ShouldBe(ReviewStatement.PreApprovedReason);
        events.Where(e => e.Data is StatementProposed or StatementReviewed or StatementRecorded).Select(e => e.UserName).Distinct()
            .ShouldBe([TrackerApp.Admin]);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
