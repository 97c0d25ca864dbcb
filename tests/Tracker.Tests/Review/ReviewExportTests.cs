using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Npgsql;
using Tracker.Tests.Support;

namespace Tracker.Tests.Review;

/// <summary>
/// An agreement that requires review, exported and imported into a fresh store by its administrator: the same statuses,
/// the same proposals in the same states, the same proposers and reviewers. Nobody else can import it so, and no file
/// makes a proposer their own reviewer.
/// </summary>
[Collection(AppCollection.Name)]
public class ReviewExportTests(TrackerApp app) : IDisposable
{
    private const string Commitment = "iris-t";
    private const string Root = "root.admin";
    private readonly string _dir = Directory.CreateTempSubdirectory("tracker-review-export-").FullName;
    private readonly Api a = new(app);
    private Api B => new(app, app.SecondAnalystToken);
    private Api Admin => new(app, app.AdminToken);

    private static Task<TrackerProcess.Result> Tracker(string database, params string[] args) =>
        TrackerProcess.RunAsync(new Dictionary<string, string?> { ["TRACKER_DB"] = database }, args);

    private static string Review(string id, Guid statement) => $"/api/agreements/{id}/statements/{statement}/review";

    /// <summary>Proposals approved, returned and resubmitted, rejected, left awaiting and returned; a correction and a
    /// rejected retraction; an administrator's pre-approved import line.</summary>
    private async Task<string> ReviewedHistory()
    {
        var id = "rvx-" + Guid.NewGuid().ToString("N")[..10];
        await a.Post("/api/agreements", new { agreementId = id, title = "T", parties = new[] { "DEU", "UKR" }, review = "required" });
        await a.Post($"/api/agreements/{id}/commitments", new { commitmentId = Commitment, title = "IRIS-T", category = "air-defence" });
        var (s1, s2, s3, s4, s5) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        await a.Record(id, Api.Statement(Commitment, "announced", saidOn: "2025-03-01", id: s1), HttpStatusCode.Accepted);
        await B.Post(Review(id, s1), new { decision = "approve" });
        await a.Post($"/api/agreements/{id}/statements/{s1}/corrections", new
        {
            correctionId = Guid.NewGuid(), reason = "misread", changes = new { assertions = new[] { new { commitmentId = Commitment, stage = "signed" } } },
        }, HttpStatusCode.Accepted);
        await Admin.Post(Review(id, s1), new { decision = "approve" });
        await a.Record(id, Api.Statement(Commitment, "in-effect", saidOn: "2025-04-01", id: s2), HttpStatusCode.Accepted);
        await B.Post(Review(id, s2), new { decision = "return", reason = "the source says binding" });
        await a.Post($"/api/agreements/{id}/statements/{s2}/corrections", new
        {
            reason = "as asked", changes = new { assertions = new[] { new { commitmentId = Commitment, stage = "binding" } } },
        }, HttpStatusCode.Accepted);
        await B.Post(Review(id, s2), new { decision = "approve" });
        await a.Record(id, Api.Statement(Commitment, "fulfilled", id: s3), HttpStatusCode.Accepted);
        await B.Post(Review(id, s3), new { decision = "reject", reason = "no delivery took place" });
        await a.Record(id, Api.Statement(Commitment, "in-effect", id: s4), HttpStatusCode.Accepted);
        await B.Record(id, Api.Statement(Commitment, "in-effect", saidOn: "2025-05-01", id: s5), HttpStatusCode.Accepted);
        await a.Post(Review(id, s5), new { decision = "return", reason = "which outlet?" });
        await B.Post($"/api/agreements/{id}/statements/{s1}/retraction", new { reason = "hoax" }, HttpStatusCode.Accepted);
        await a.Post(Review(id, s1), new { decision = "reject", reason = "confirmed by the ministry" });

        var line = JsonSerializer.SerializeToNode(Api.Statement(Commitment, "binding", saidOn: "2025-04-15"))!.AsObject();
        line["type"] = "record-statement";
        line["agreementId"] = id;
        var file = Path.Combine(_dir, "pre-approved.jsonl");
        await File.WriteAllTextAsync(file, line.ToJsonString() + "\n", new UTF8Encoding(false));
        var preApproved = await Tracker(app.ConnectionString, "import", file, "--pre-approved", "--user", TrackerApp.Admin);
        preApproved.ExitCode.ShouldBe(0, preApproved.ToString());
        return id;
    }

    private static async Task<List<string>> Rows(string database, string sql, string id)
    {
        await using var conn = new NpgsqlConnection(database);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn) { Parameters = { new() { Value = id } } };
        var rows = new List<string>();
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            rows.Add(string.Join("|", Enumerable.Range(0, reader.FieldCount).Select(i => reader.IsDBNull(i) ? "∅" : reader.GetValue(i).ToString())));
        return rows;
    }

    private const string Events = "select type, user_name from tracker.mt_events where stream_id = $1 order by seq_id";
    private const string Proposals = """
        select data ->> 'statementId', data ->> 'kind', data ->> 'state', data ->> 'proposedBy', data -> 'decided' ->> 'by',
               data ->> 'decisionReason', jsonb_array_length(data -> 'approved')
        from tracker.mt_doc_statementproposal where data ->> 'agreementId' = $1 order by 1
        """;
    private const string Search = "select statement_id, counted, review, retracted, quote from tracker.statement_search where agreement_id = $1 order by 1";

    /// <summary>A history as JSON without the instants and correlation ids, which belong to the store that recorded it.</summary>
    private static string WithoutInstants(string json)
    {
        var node = JsonNode.Parse(json)!;
        void Strip(JsonNode? n)
        {
            if (n is JsonObject o)
            {
                o.Remove("at");
                o.Remove("correlationId");
                foreach (var (_, v) in o.ToList()) Strip(v);
            }
            else if (n is JsonArray array) foreach (var v in array) Strip(v);
        }
        Strip(node);
        return node.ToJsonString();
    }

    [Fact]
    public async Task an_administrators_import_as_recorded_rebuilds_the_same_statuses_review_states_and_people_and_nobody_approves_their_own()
    {
        var id = await ReviewedHistory();
        var exported = Path.Combine(_dir, "export.jsonl");
        var export = await Tracker(app.ConnectionString, "export", "--agreement", id, "--output", exported);
        export.ExitCode.ShouldBe(0, export.ToString());
        var lines = File.ReadLines(exported).Select(l => JsonNode.Parse(l)!.AsObject()).ToList();
        lines.Where(l => l["type"]!.GetValue<string>() == "review-statement").ShouldAllBe(l => l["recordedBy"] != null);
        lines.Where(l => l["type"]!.GetValue<string>() is "open-agreement" or "add-commitment").ShouldAllBe(l => l["recordedBy"] == null);

        var copy = await TestCluster.NewDatabaseAsync("review_copy");
        (await Tracker(copy, "users", "add", Root, "--role", "admin")).ExitCode.ShouldBe(0);
        (await Tracker(copy, "users", "add", TrackerApp.Analyst, "--role", "analyst")).ExitCode.ShouldBe(0);

        // Imported as its importer (an administrator or not), the proposals are theirs and their approvals their own: refused.
        var plain = await Tracker(copy, "import", exported, "--user", Root);
        plain.ExitCode.ShouldNotBe(0, plain.ToString());
        plain.Error.ShouldContain("your own");
        plain.Error.ShouldContain("--as-recorded");
        // Only an administrator imports as recorded.
        var analyst = await Tracker(copy, "import", exported, "--as-recorded", "--user", TrackerApp.Analyst);
        analyst.ExitCode.ShouldNotBe(0, analyst.ToString());
        analyst.Error.ShouldContain("not an administrator");
        // A file that names the proposer as the reviewer is refused, even to an administrator, even for the approval of an
        // approved statement whose approval it forges.
        var forged = Path.Combine(_dir, "forged.jsonl");
        var forgedLines = lines.Select(l => l.ToJsonString()).ToList();
        var firstApproval = lines.FindIndex(l => l["type"]!.GetValue<string>() == "review-statement");
        var forgedLine = JsonNode.Parse(forgedLines[firstApproval])!.AsObject();
        forgedLine["recordedBy"] = TrackerApp.Analyst;
        forgedLines[firstApproval] = forgedLine.ToJsonString();
        await File.WriteAllLinesAsync(forged, forgedLines, new UTF8Encoding(false));
        var own = await Tracker(copy, "import", forged, "--as-recorded", "--user", Root);
        own.ExitCode.ShouldNotBe(0, own.ToString());
        own.Error.ShouldContain("your own");
        (await Rows(copy, Events, id)).ShouldBeEmpty("a refused import stores nothing");

        var imported = await Tracker(copy, "import", exported, "--as-recorded", "--user", Root);
        imported.ExitCode.ShouldBe(0, imported.ToString());

        // The same events by the same people (the importer only where the store records no one else: the agreement's own lines).
        var before = await Rows(app.ConnectionString, Events, id);
        var after = await Rows(copy, Events, id);
        after.Select(r => r.Split('|')[0]).ShouldBe(before.Select(r => r.Split('|')[0]));
        foreach (var (was, now) in before.Zip(after))
            if (was.Split('|')[0] is "agreement_opened" or "commitment_added" or "agreement_review_set") now.ShouldEndWith("|" + Root);
            else now.ShouldBe(was);
        // Each name taken from the file is a claim the record says who made: the importing administrator, in a header.
        var claimed = await Rows(copy, "select user_name, headers ->> 'importedBy' from tracker.mt_events where stream_id = $1 and user_name <> '" + Root + "'", id);
        claimed.ShouldNotBeEmpty();
        claimed.ShouldAllBe(r => r.EndsWith("|" + Root));
        (await Rows(copy, "select headers ->> 'importedBy' from tracker.mt_events where stream_id = $1 and user_name = '" + Root + "'", id))
            .ShouldAllBe(r => r == "∅");
        (await Rows(copy, Proposals, id)).ShouldBe(await Rows(app.ConnectionString, Proposals, id));
        (await Rows(copy, Search, id)).ShouldBe(await Rows(app.ConnectionString, Search, id));
        var historyBefore = await Tracker(app.ConnectionString, "history", id, "--format", "json");
        var historyAfter = await Tracker(copy, "history", id, "--format", "json");
        historyAfter.ExitCode.ShouldBe(0, historyAfter.ToString());
        WithoutInstants(historyAfter.Output).ShouldBe(WithoutInstants(historyBefore.Output));
        var histories = JsonNode.Parse(historyAfter.Output)!.AsArray();
        histories.Single()!["stage"]!.GetValue<string>().ShouldBe(Api.Stage(await a.Get($"/api/agreements/{id}/commitments/{Commitment}")));
        histories.Single()!["stage"]!.GetValue<string>().ShouldNotBe("none");
        var statements = histories.Single()!["entries"]!.AsArray().Select(e => e!["statement"]).OfType<JsonNode>().ToList();
        statements.ShouldContain(s => s["proposed"]!["by"]!.GetValue<string>() == TrackerApp.Analyst && s["recorded"]!["by"]!.GetValue<string>() == TrackerApp.SecondAnalyst);

        // Imported again into the store that holds it, a decided proposal cannot be decided again: refused whole, nothing stored.
        var again = await Tracker(copy, "import", exported, "--as-recorded", "--user", Root);
        again.ExitCode.ShouldNotBe(0, again.ToString());
        again.Error.ShouldContain("already decided");
        (await Rows(copy, Events, id)).Count.ShouldBe(after.Count);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
