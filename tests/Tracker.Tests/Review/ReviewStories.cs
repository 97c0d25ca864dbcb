using System.Net;
using System.Text.Json.Nodes;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Tracker.Agreements;
using Tracker.Audit;
using Tracker.Security;
using Tracker.Tests.Support;

namespace Tracker.Tests.Review;

/// <summary>
/// Four-eyes review, as the analysts live it over HTTP: A logs a statement on an agreement that requires review, it
/// waits, B checks it against its source and approves it, and only then does it count — from the approval on, with
/// its own said-on date.
/// </summary>
[Collection(AppCollection.Name)]
public class ReviewStories(TrackerApp app)
{
    private const string Commitment = "air-defence-joint-production";
    private readonly Api a = new(app);
    private Api B => new(app, app.SecondAnalystToken);
    private static string NewAgreementId() => "rv-" + Guid.NewGuid().ToString("N")[..10];

    private async Task<string> OpenReviewed(string? id = null)
    {
        id ??= NewAgreementId();
        await a.Post("/api/agreements", new
        {
            agreementId = id, title = "Ukraine–France defence-industrial cooperation", parties = new[] { "UKR", "FRA" }, review = "required",
        });
        await a.Post($"/api/agreements/{id}/commitments", new { commitmentId = Commitment, title = "Joint production", category = "air-defence" });
        return id;
    }

    private Task<JsonNode> StatusOf(string id, string? query = null) =>
        a.Get($"/api/agreements/{id}/commitments/{Commitment}{(query is null ? "" : "?" + query)}");

    private static string Review(string id, Guid statement) => $"/api/agreements/{id}/statements/{statement}/review";

    private async Task<List<JasperFx.Events.IEvent>> EventsOf(string id)
    {
        await using var session = app.Store.QuerySession();
        return [.. await session.Events.FetchStreamAsync(id)];
    }

    private async Task<DateTimeOffset> DatabaseNow()
    {
        await using var conn = new NpgsqlConnection(app.ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("select clock_timestamp()", conn);
        return (DateTimeOffset)(DateTime)(await cmd.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task a_statement_counts_only_once_another_analyst_approved_it_and_from_the_approval_on()
    {
        var id = await OpenReviewed();
        await a.Record(id, Api.Statement(Commitment, "under-examination", saidOn: "2025-05-01"), HttpStatusCode.Accepted);
        var statementId = Guid.NewGuid();
        var proposed = await a.Record(id, Api.Statement(Commitment, "signed", saidOn: "2025-06-05", id: statementId), HttpStatusCode.Accepted);
        proposed["review"]!.GetValue<string>().ShouldBe("awaiting");

        // Stored and visible in the queue, but not counted.
        Api.Stage(await StatusOf(id)).ShouldBe("none");
        var queue = await B.Get($"/api/reviews?state=awaiting&agreement={id}");
        queue["total"]!.GetValue<int>().ShouldBe(2);
        queue["items"]![1]!["statementId"]!.GetValue<Guid>().ShouldBe(statementId);
        queue["items"]![1]!["proposed"]!["by"]!.GetValue<string>().ShouldBe(TrackerApp.Analyst);

        // A cannot approve A's own proposal, whatever their role.
        var own = await a.Post(Review(id, statementId), new { decision = "approve" }, HttpStatusCode.Forbidden);
        own["detail"]!.GetValue<string>().ShouldContain("your own");
        var beforeApproval = await DatabaseNow();

        await B.Post(Review(id, statementId), new { decision = "approve" });

        var now = await StatusOf(id);
        Api.Stage(now).ShouldBe("signed");
        now["since"]!.GetValue<string>().ShouldBe("2025-06-05");
        // Known at an instant before B's approval: the stage it had then (nothing counted yet).
        Api.Stage(await StatusOf(id, "knownAt=" + Uri.EscapeDataString(beforeApproval.ToString("O")))).ShouldBe("none");
        // As of a day before it was said: not yet, whatever the record time.
        Api.Stage(await StatusOf(id, "asOf=2025-06-04")).ShouldBe("none");
        (await a.Get($"/api/reviews?state=awaiting&agreement={id}"))["total"]!.GetValue<int>().ShouldBe(1);

        // The record says who proposed and who approved: different people, each event chained like any other.
        var events = await EventsOf(id);
        var proposal = events.Single(e => e.Data is StatementProposed { StatementId: var s } && s == statementId);
        var approval = events.Single(e => e.Data is StatementReviewed { StatementId: var s } && s == statementId);
        proposal.UserName.ShouldBe(TrackerApp.Analyst);
        approval.UserName.ShouldBe(TrackerApp.SecondAnalyst);
        events.Single(e => e.Data is StatementRecorded).UserName.ShouldBe(TrackerApp.SecondAnalyst);
        await app.WaitForAuditAsync();
        await using var session = app.Store.QuerySession();
        var trail = await session.Query<AuditEntry>().Where(x => x.AgreementId == id && x.StatementId == statementId)
            .OrderBy(x => x.Sequence).ToListAsync();
        trail.Select(x => (x.EventType, x.RecordedBy)).ShouldBe(
        [
            ("statement_proposed", TrackerApp.Analyst), ("statement_reviewed", TrackerApp.SecondAnalyst),
            ("statement_recorded", TrackerApp.SecondAnalyst),
        ]);
        var integrity = await new Api(app, app.AdminToken).Get($"/api/integrity?agreement={id}");
        integrity["intact"]!.GetValue<bool>().ShouldBeTrue(integrity.ToJsonString());
        integrity["verified"]!.GetValue<long>().ShouldBe(events.Count);
    }

    [Fact]
    public async Task a_returned_statement_shows_in_its_proposers_list_with_the_reason_and_counts_once_resubmitted_and_approved()
    {
        var id = await OpenReviewed();
        var statementId = Guid.NewGuid();
        await a.Record(id, Api.Statement(Commitment, "signed", id: statementId), HttpStatusCode.Accepted);

        await B.Post(Review(id, statementId), new { decision = "return", reason = "The source says 'under examination', not signed." });

        var mine = await a.Get($"/api/reviews?state=returned&proposedBy={TrackerApp.Analyst}&agreement={id}");
        mine["items"]!.AsArray().Single()!["decisionReason"]!.GetValue<string>().ShouldBe("The source says 'under examination', not signed.");
        mine["items"]![0]!["decided"]!["by"]!.GetValue<string>().ShouldBe(TrackerApp.SecondAnalyst);
        Api.Stage(await StatusOf(id)).ShouldBe("none");

        // A corrects the returned statement: it is proposed again, awaiting review, and counts once B approves it.
        var resubmitted = await a.Post($"/api/agreements/{id}/statements/{statementId}/corrections", new
        {
            reason = "re-read the source", changes = new { assertions = new[] { new { commitmentId = Commitment, stage = "under-examination" } } },
        }, HttpStatusCode.Accepted);
        resubmitted["review"]!.GetValue<string>().ShouldBe("awaiting");
        (await a.Get($"/api/reviews?state=returned&proposedBy={TrackerApp.Analyst}&agreement={id}"))["total"]!.GetValue<int>().ShouldBe(0);
        await B.Post(Review(id, statementId), new { decision = "approve" });
        Api.Stage(await StatusOf(id)).ShouldBe("under-examination");
    }

    [Fact]
    public async Task a_correction_proposed_by_A_leaves_the_approved_reading_in_force_until_it_is_approved()
    {
        var id = await OpenReviewed();
        var statementId = Guid.NewGuid();
        await a.Record(id, Api.Statement(Commitment, "signed", id: statementId), HttpStatusCode.Accepted);
        await B.Post(Review(id, statementId), new { decision = "approve" });

        await a.Post($"/api/agreements/{id}/statements/{statementId}/corrections", new
        {
            reason = "misread", changes = new { assertions = new[] { new { commitmentId = Commitment, stage = "in-effect" } } },
        }, HttpStatusCode.Accepted);
        Api.Stage(await StatusOf(id)).ShouldBe("signed");
        var statement = await a.Get($"/api/agreements/{id}/statements/{statementId}");
        statement["corrections"]!.AsArray().Count.ShouldBe(0);
        // A second change while one awaits review is refused: one open proposal per statement.
        await a.Post($"/api/agreements/{id}/statements/{statementId}/retraction", new { reason = "hoax" }, HttpStatusCode.Conflict);

        await B.Post(Review(id, statementId), new { decision = "approve" });
        Api.Stage(await StatusOf(id)).ShouldBe("in-effect");

        // A retraction is proposed the same way; rejected, the statement keeps counting.
        await a.Post($"/api/agreements/{id}/statements/{statementId}/retraction", new { reason = "hoax" }, HttpStatusCode.Accepted);
        await B.Post(Review(id, statementId), new { decision = "reject", reason = "The outlet confirmed the story." });
        Api.Stage(await StatusOf(id)).ShouldBe("in-effect");
        (await a.Get($"/api/reviews?state=rejected&agreement={id}"))["items"]![0]!["kind"]!.GetValue<string>().ShouldBe("retraction");
    }

    [Fact]
    public async Task bad_reviews_are_refused_and_store_nothing()
    {
        var id = await OpenReviewed();
        var statementId = Guid.NewGuid();
        await a.Record(id, Api.Statement(Commitment, "signed", id: statementId), HttpStatusCode.Accepted);
        var before = (await EventsOf(id)).Count;

        (await B.Post(Review(id, Guid.NewGuid()), new { decision = "approve" }, HttpStatusCode.NotFound))["detail"]!
            .GetValue<string>().ShouldContain("no proposal");
        (await B.Post(Review(id, statementId), new { decision = "return", reason = " " }, HttpStatusCode.BadRequest))["errors"]!["reason"]
            .ShouldNotBeNull();
        (await B.Post(Review(id, statementId), new { decision = "reject" }, HttpStatusCode.BadRequest))["errors"]!["reason"].ShouldNotBeNull();
        (await B.Post(Review(id, statementId), new { decision = "merge" }, HttpStatusCode.BadRequest))["errors"]!["decision"].ShouldNotBeNull();
        await new Api(app, app.ReaderToken).Post(Review(id, statementId), new { decision = "approve" }, HttpStatusCode.Forbidden);
        await B.Post($"/api/agreements/no-such-agreement/statements/{statementId}/review", new { decision = "approve" }, HttpStatusCode.NotFound);
        (await EventsOf(id)).Count.ShouldBe(before);

        await B.Post(Review(id, statementId), new { decision = "reject", reason = "No such meeting took place." });
        var decided = await new Api(app, app.AdminToken).Post(Review(id, statementId), new { decision = "approve" }, HttpStatusCode.Conflict);
        decided["detail"]!.GetValue<string>().ShouldContain("already decided");
        // A rejected statement stays in history only: its id cannot be recorded again.
        await a.Record(id, Api.Statement(Commitment, "signed", id: statementId), HttpStatusCode.Conflict);
        Api.Stage(await StatusOf(id)).ShouldBe("none");
    }

    [Fact]
    public async Task two_reviewers_approving_one_proposal_at_once_one_wins_and_the_other_is_told_409()
    {
        var id = await OpenReviewed();
        var statementId = Guid.NewGuid();
        await a.Record(id, Api.Statement(Commitment, "signed", id: statementId), HttpStatusCode.Accepted);

        var answers = await Task.WhenAll(
            B.Send(HttpMethod.Post, Review(id, statementId), new { decision = "approve" }),
            new Api(app, app.AdminToken).Send(HttpMethod.Post, Review(id, statementId), new { decision = "approve" }));

        answers.Select(x => x.Status).Order().ShouldBe([HttpStatusCode.Created, HttpStatusCode.Conflict]);
        (await EventsOf(id)).Count(e => e.Data is StatementRecorded).ShouldBe(1);
    }

    [Fact]
    public async Task review_is_an_administrators_setting_and_an_agreement_without_it_records_as_before()
    {
        var id = NewAgreementId();
        await a.Open(id, Commitment);
        await a.Post($"/api/agreements/{id}/review", new { review = "required" }, HttpStatusCode.Forbidden);
        await a.Record(id, Api.Statement(Commitment, "signed"), HttpStatusCode.Created);
        Api.Stage(await StatusOf(id)).ShouldBe("signed");
        (await EventsOf(id)).Select(e => e.Data.GetType())
            .ShouldBe([typeof(AgreementOpened), typeof(CommitmentAdded), typeof(StatementRecorded)]);

        var admin = new Api(app, app.AdminToken);
        await admin.Post($"/api/agreements/{id}/review", new { review = "required" });
        await admin.Post($"/api/agreements/{id}/review", new { review = "required" }, HttpStatusCode.OK);
        (await admin.Post($"/api/agreements/{id}/review", new { review = "sometimes" }, HttpStatusCode.BadRequest))["errors"]!["review"]
            .ShouldNotBeNull();
        await a.Record(id, Api.Statement(Commitment, "in-effect"), HttpStatusCode.Accepted);
        Api.Stage(await StatusOf(id)).ShouldBe("signed");
    }

    [Fact]
    public async Task at_the_workbench_an_administrator_requires_review_and_an_analyst_cannot()
    {
        var id = NewAgreementId();
        await a.Open(id, Commitment);
        using var analyst = new WorkbenchClient(app.Host);
        await analyst.SignInAsync(TrackerApp.Analyst, app.AnalystToken);
        var page = await analyst.GetAsync($"/agreements/{id}");
        page.Html.ShouldNotContain("Require review", Case.Sensitive, "only an administrator is offered the setting");
        (await analyst.PostAsync(page, $"/agreements/{id}?handler=review", ("review", "required"))).Status
            .ShouldBe(HttpStatusCode.Forbidden);

        using var admin = new WorkbenchClient(app.Host);
        await admin.SignInAsync(TrackerApp.Admin, app.AdminToken);
        var adminPage = await admin.GetAsync($"/agreements/{id}");
        adminPage.Html.ShouldContain("Require review");
        (await admin.PostAsync(adminPage, $"/agreements/{id}?handler=review", ("review", "required"))).Status
            .ShouldBe(HttpStatusCode.Redirect);
        (await EventsOf(id)).Last().Data.ShouldBe(new AgreementReviewSet(id, "required"));
        (await admin.GetAsync($"/agreements/{id}")).Html.ShouldContain("Stop requiring review");
        await a.Record(id, Api.Statement(Commitment, "signed"), HttpStatusCode.Accepted);

        var refused = await admin.PostAsync(await admin.GetAsync($"/agreements/{id}"), $"/agreements/{id}?handler=review", ("review", "sometimes"));
        refused.Status.ShouldBe(HttpStatusCode.BadRequest);
        refused.Text.ShouldContain("'sometimes' is not one of");
    }

    [Fact]
    public async Task a_reviewer_may_review_and_analysts_may_not_when_the_setting_is_off()
    {
        var database = await TestCluster.NewDatabaseAsync("reviewroles");
        await using var host = await TrackerApp.StartAsync(database, ("Tracker:Review:AnalystsReview", "false"),
            ("Tracker:Review:Default", "required"));
        var users = host.Services.GetRequiredService<UserAdministration>();
        var ana = (await users.AddAsync("ana", Roles.Analyst)).Token;
        var bo = (await users.AddAsync("bo", Roles.Analyst)).Token;
        var rev = (await users.AddAsync("rev", Roles.Reviewer)).Token;
        async Task<int> Post(string token, string url, object body)
        {
            var result = await host.Scenario(s =>
            {
                s.Post.Json(body).ToUrl(url);
                s.WithBearerToken(token);
                s.IgnoreStatusCode();
            });
            return result.Context.Response.StatusCode;
        }

        // The deployment's default applies to an agreement opened without a review setting.
        (await Post(ana, "/api/agreements", new { agreementId = "rv-default", title = "T", parties = new[] { "UKR", "FRA" } })).ShouldBe(201);
        (await Post(ana, "/api/agreements/rv-default/commitments", new { commitmentId = Commitment, title = "J", category = "air-defence" })).ShouldBe(201);
        var statementId = Guid.NewGuid();
        (await Post(ana, "/api/agreements/rv-default/statements", Api.Statement(Commitment, "signed", id: statementId))).ShouldBe(202);

        (await Post(bo, $"/api/agreements/rv-default/statements/{statementId}/review", new { decision = "approve" })).ShouldBe(403);
        (await Post(rev, $"/api/agreements/rv-default/statements/{statementId}/review", new { decision = "approve" })).ShouldBe(201);
    }
}

/// <summary>What the status report says of statements awaiting review: a count per commitment and a filter.</summary>
[Collection(AppCollection.Name)]
public class ReviewReportStories(TrackerApp app)
{
    private readonly Api a = new(app);

    [Fact]
    public async Task the_status_report_counts_statements_awaiting_review_per_commitment_and_filters_on_them()
    {
        var id = "rvr-" + Guid.NewGuid().ToString("N")[..10];
        await a.Post("/api/agreements", new { agreementId = id, title = "T", parties = new[] { "UKR", "FRA" }, review = "required" });
        foreach (var c in new[] { "drones", "shells" })
            await a.Post($"/api/agreements/{id}/commitments", new { commitmentId = c, title = c, category = "drones" });
        var first = Guid.NewGuid();
        await a.Record(id, Api.Statement("drones", "signed", id: first), HttpStatusCode.Accepted);
        await a.Record(id, Api.Statement("drones", "announced"), HttpStatusCode.Accepted);

        var report = await a.Get($"/api/reports/status?agreement={id}");
        report["awaitingReview"]!.AsArray().Select(x => (x!["commitmentId"]!.GetValue<string>(), x["count"]!.GetValue<int>()))
            .ShouldBe([("drones", 2)]);
        var awaiting = await a.Get($"/api/reports/status?agreement={id}&review=awaiting");
        awaiting["rows"]!.AsArray().Select(r => r!["status"]!["commitmentId"]!.GetValue<string>()).ShouldBe(["drones"]);
        awaiting["total"]!.GetValue<int>().ShouldBe(1);
        (await a.Get("/api/reports/status?review=approved", HttpStatusCode.BadRequest))["errors"]!["review"].ShouldNotBeNull();

        await new Api(app, app.SecondAnalystToken).Post($"/api/agreements/{id}/statements/{first}/review", new { decision = "approve" });
        (await a.Get($"/api/reports/status?agreement={id}"))["awaitingReview"]![0]!["count"]!.GetValue<int>().ShouldBe(1);
    }
}
