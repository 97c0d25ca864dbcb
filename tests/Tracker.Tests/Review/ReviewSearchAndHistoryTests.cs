using System.Net;
using System.Text.Json.Nodes;
using Alba;
using Microsoft.Extensions.DependencyInjection;
using Tracker.Http;
using Tracker.Search;
using Tracker.Tests.Support;

namespace Tracker.Tests.Review;

/// <summary>
/// A proposal where review is required is found by search, marked where it stands, and counted by nothing that counts
/// (the status report's speaker filter) until approved; the history names its proposer beside its approver.
/// </summary>
[Collection(AppCollection.Name)]
public class ReviewSearchAndHistoryTests(TrackerApp app)
{
    private const string Commitment = "air-defence-joint-production";
    private readonly Api a = new(app);
    private Api B => new(app, app.SecondAnalystToken);

    private static string Word() => "zq" + new string(Guid.NewGuid().ToString("N").Where(char.IsLetter).Take(8).ToArray());

    private async Task<string> OpenReviewed()
    {
        var id = "rvs-" + Guid.NewGuid().ToString("N")[..10];
        await a.Post("/api/agreements", new { agreementId = id, title = "T", parties = new[] { "UKR", "FRA" }, review = "required" });
        await a.Post($"/api/agreements/{id}/commitments", new { commitmentId = Commitment, title = "Joint production", category = "air-defence" });
        return id;
    }

    private static string Review(string id, Guid statement) => $"/api/agreements/{id}/statements/{statement}/review";

    private async Task<SearchHit> Found(string word) =>
        (await app.Host.Services.GetRequiredService<StatementSearch>().FindAsync(word, new Paging(1, 20), CancellationToken.None)).Hits.ShouldHaveSingleItem();

    private async Task<int> SpokenOfBy(string id, string speaker) =>
        (await a.Get($"/api/reports/status?agreement={id}&speaker={Uri.EscapeDataString(speaker)}"))["total"]!.GetValue<int>();

    [Fact]
    public async Task a_proposal_is_found_and_marked_but_counts_for_no_speaker_until_approved_and_a_rejected_one_stays_found_marked()
    {
        var id = await OpenReviewed();
        var (first, second, third) = (Word(), Word(), Word());
        var speaker = "Quorvan " + char.ToUpperInvariant(Word()[2]) + Word()[3..];
        var statementId = Guid.NewGuid();
        await a.Record(id, Api.Statement(Commitment, "signed", id: statementId, speaker: speaker, quote: $"Wir prüfen {first} gemeinsam."),
            HttpStatusCode.Accepted);

        // Found, marked awaiting review (the API's service and the workbench's page), and not spoken of by its speaker.
        var hit = await Found(first);
        (hit.StatementId, hit.Counts, hit.Review, hit.ReviewMark).ShouldBe((statementId, false, "awaiting", "awaiting review"));
        using (var workbench = new WorkbenchClient(app.Host))
        {
            await workbench.SignInAsync(TrackerApp.Reader, app.ReaderToken);
            var page = await workbench.GetAsync($"/search?q={first}");
            page.Text.ShouldContain(statementId.ToString());
            page.Text.ShouldContain("awaiting review");
        }
        (await SpokenOfBy(id, speaker)).ShouldBe(0);

        // Returned: still found, marked; resubmitted with other words: found by them, awaiting again.
        await B.Post(Review(id, statementId), new { decision = "return", reason = "quote it whole" });
        (await Found(first)).ReviewMark.ShouldBe("returned in review, not counted");
        await a.Post($"/api/agreements/{id}/statements/{statementId}/corrections",
            new { reason = "quoted whole", changes = new { quote = $"Wir prüfen {second} gemeinsam, sagte er." } }, HttpStatusCode.Accepted);
        (await Found(second)).ReviewMark.ShouldBe("awaiting review");
        (await SpokenOfBy(id, speaker)).ShouldBe(0);

        // Approved: it counts, for search and for the speaker filter alike.
        await B.Post(Review(id, statementId), new { decision = "approve" });
        hit = await Found(second);
        (hit.Counts, hit.Review, hit.ReviewMark).ShouldBe((true, "approved", null));
        (await SpokenOfBy(id, speaker)).ShouldBe(1);

        // A correction proposed on it: the approved reading is what is found and counted, marked as awaiting a change.
        await a.Post($"/api/agreements/{id}/statements/{statementId}/corrections",
            new { correctionId = Guid.NewGuid(), reason = "misread", changes = new { quote = $"Wir prüfen {third}." } }, HttpStatusCode.Accepted);
        (await Found(second)).ReviewMark.ShouldBe("a change awaits review");
        (await app.Host.Services.GetRequiredService<StatementSearch>().FindAsync(third, new Paging(1, 20), CancellationToken.None)).Total.ShouldBe(0);
        (await SpokenOfBy(id, speaker)).ShouldBe(1);

        // A rejected proposal stays in history: found, marked rejected, never counted.
        var rejected = Guid.NewGuid();
        var fourth = Word();
        await a.Record(id, Api.Statement(Commitment, "in-effect", id: rejected, speaker: speaker + " Jr", quote: $"{fourth} ist geliefert."),
            HttpStatusCode.Accepted);
        await B.Post(Review(id, rejected), new { decision = "reject", reason = "no such delivery" });
        hit = await Found(fourth);
        (hit.StatementId, hit.Counts, hit.ReviewMark).ShouldBe((rejected, false, "rejected in review, not counted"));
        (await SpokenOfBy(id, speaker + " Jr")).ShouldBe(0);
    }

    [Fact]
    public async Task the_history_names_who_proposed_each_approved_reading_beside_who_approved_it()
    {
        var id = await OpenReviewed();
        var statementId = Guid.NewGuid();
        await a.Record(id, Api.Statement(Commitment, "signed", id: statementId), HttpStatusCode.Accepted);
        await B.Post(Review(id, statementId), new { decision = "approve" });
        var correctionId = Guid.NewGuid();
        await a.Post($"/api/agreements/{id}/statements/{statementId}/corrections", new
        {
            correctionId, reason = "misread", changes = new { assertions = new[] { new { commitmentId = Commitment, stage = "in-effect" } } },
        }, HttpStatusCode.Accepted);
        await new Api(app, app.AdminToken).Post(Review(id, statementId), new { decision = "approve" });
        await B.Post($"/api/agreements/{id}/statements/{statementId}/retraction", new { reason = "hoax" }, HttpStatusCode.Accepted);
        await a.Post(Review(id, statementId), new { decision = "approve" });

        var history = await a.Get($"/api/agreements/{id}/commitments/{Commitment}/history");
        var statement = history["entries"]!.AsArray().Select(e => e!["statement"]).First(s => s is not null)!;
        (statement["proposed"]!["by"]!.GetValue<string>(), statement["recorded"]!["by"]!.GetValue<string>())
            .ShouldBe((TrackerApp.Analyst, TrackerApp.SecondAnalyst));
        var correction = statement["corrections"]!.AsArray().Single()!;
        (correction["proposed"]!["by"]!.GetValue<string>(), correction["recorded"]!["by"]!.GetValue<string>())
            .ShouldBe((TrackerApp.Analyst, TrackerApp.Admin));
        (statement["retractionProposed"]!["by"]!.GetValue<string>(), statement["retraction"]!["recorded"]!["by"]!.GetValue<string>())
            .ShouldBe((TrackerApp.SecondAnalyst, TrackerApp.Analyst));

        var markdown = await a.Text($"/api/agreements/{id}/commitments/{Commitment}/history?format=md");
        markdown.ShouldContain($"{TrackerApp.Analyst}, approved by {TrackerApp.SecondAnalyst}");
        markdown.ShouldContain($"corrected assertions by {TrackerApp.Analyst}, approved by {TrackerApp.Admin}");
        markdown.ShouldContain($"RETRACTED by {TrackerApp.SecondAnalyst}, approved by {TrackerApp.Analyst}");

        using var workbench = new WorkbenchClient(app.Host);
        await workbench.SignInAsync(TrackerApp.Reader, app.ReaderToken);
        var page = (await workbench.GetAsync($"/agreements/{id}/commitments/{Commitment}")).Text;
        page.ShouldContain($"proposed by {TrackerApp.Analyst} at");
        page.ShouldContain($"approved by {TrackerApp.SecondAnalyst} at");
        page.ShouldContain($"approved by {TrackerApp.Admin}");

        // Where review is off, the history says what it always said: no proposer beside the recorder.
        var plain = "rvp-" + Guid.NewGuid().ToString("N")[..10];
        await a.Open(plain, Commitment);
        await a.Record(plain, Api.Statement(Commitment, "signed"));
        var off = await a.Get($"/api/agreements/{plain}/commitments/{Commitment}/history");
        off.ToJsonString().ShouldNotContain("\"proposed\"");
        off.ToJsonString().ShouldNotContain("retractionProposed");
    }
}

/// <summary>The search index's review rows are the events' to rebuild: a rebuild gives them back row for row, and a store
/// whose proposals predate them (migration 0021) gets them at the next start.</summary>
public class ReviewSearchRebuildTests
{
    [Fact]
    public async Task proposals_rows_are_rebuilt_from_the_events_and_backfilled_where_a_store_predates_them()
    {
        var database = await TestCluster.NewDatabaseAsync("reviewsearch");
        var statementId = Guid.NewGuid();
        string live;
        await using (var host = await TrackerApp.StartAsync(database, ("Tracker:Review:Default", "required")))
        {
            var users = host.Services.GetRequiredService<Tracker.Security.UserAdministration>();
            var ana = (await users.AddAsync("ana", Tracker.Security.Roles.Analyst)).Token;
            var bo = (await users.AddAsync("bo", Tracker.Security.Roles.Analyst)).Token;
            async Task Post(string token, string url, object body, int status)
            {
                var result = await host.Scenario(s =>
                {
                    s.Post.Json(body).ToUrl(url);
                    s.WithBearerToken(token);
                    s.IgnoreStatusCode();
                });
                result.Context.Response.StatusCode.ShouldBe(status, await result.ReadAsTextAsync());
            }
            await Post(ana, "/api/agreements", new { agreementId = "r", title = "R", parties = new[] { "UKR", "FRA" } }, 201);
            await Post(ana, "/api/agreements/r/commitments", new { commitmentId = "c", title = "C", category = "drones" }, 201);
            var approved = Guid.NewGuid();
            await Post(ana, "/api/agreements/r/statements", Api.Statement("c", "signed", id: approved), 202);
            await Post(bo, $"/api/agreements/r/statements/{approved}/review", new { decision = "approve" }, 201);
            await Post(ana, $"/api/agreements/r/statements/{approved}/retraction", new { reason = "hoax" }, 202);
            await Post(ana, "/api/agreements/r/statements", Api.Statement("c", "in-effect", id: statementId), 202);
            var rejected = Guid.NewGuid();
            await Post(bo, "/api/agreements/r/statements", Api.Statement("c", "fulfilled", id: rejected), 202);
            await Post(ana, $"/api/agreements/r/statements/{rejected}/review", new { decision = "reject", reason = "no" }, 201);

            live = await Search.SearchStories.DumpAsync(database);
            live.Split('\n').Length.ShouldBe(3);
            using (var daemon = await host.Services.GetRequiredService<Marten.IDocumentStore>().BuildProjectionDaemonAsync())
                await daemon.RebuildProjectionAsync(StatementSearchProjection.ProjectionName, TimeSpan.FromMinutes(1), CancellationToken.None);
            (await Search.SearchStories.DumpAsync(database)).ShouldBe(live);
        }

        // A store from before migration 0021: the awaiting proposal has no row, and the start-up check has passed.
        await using (var conn = new Npgsql.NpgsqlConnection(database))
        {
            await conn.OpenAsync();
            await using (var row = new Npgsql.NpgsqlCommand($"delete from {StatementSearchProjection.Table} where statement_id = $1", conn)
                             { Parameters = { new() { Value = statementId } } })
                (await row.ExecuteNonQueryAsync()).ShouldBe(1);
            await using var mark = new Npgsql.NpgsqlCommand("delete from public.tracker_migrations where name like 'documents checked after %'", conn);
            await mark.ExecuteNonQueryAsync();
        }
        (await Search.SearchStories.DumpAsync(database)).ShouldNotBe(live);
        var verb = await TrackerProcess.RunAsync(new Dictionary<string, string?> { ["TRACKER_DB"] = database }, "review", "--list");
        verb.ExitCode.ShouldBe(0, verb.ToString());
        (await Search.SearchStories.DumpAsync(database)).ShouldBe(live);
    }
}
