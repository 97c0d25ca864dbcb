using System.Net;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Tracker.Security;
using Tracker.Tests.Support;

namespace Tracker.Tests.Review;

/// <summary>The proposer is refused whatever credential they decide with: a fresh token of theirs, or their workbench session.</summary>
[Collection(AppCollection.Name)]
public class ReviewOwnProposalTests(TrackerApp app)
{
    private const string Commitment = "drones";

    [Fact]
    public async Task a_proposer_with_a_reissued_token_or_a_workbench_session_cannot_decide_their_own_proposal_and_nothing_is_stored()
    {
        var name = "cy-" + Guid.NewGuid().ToString("N")[..8];
        var users = app.Host.Services.GetRequiredService<UserAdministration>();
        var first = new Api(app, (await users.AddAsync(name, Roles.Analyst)).Token);
        var id = "rvo-" + Guid.NewGuid().ToString("N")[..10];
        await first.Post("/api/agreements", new { agreementId = id, title = "T", parties = new[] { "UKR", "FRA" }, review = "required" });
        await first.Post($"/api/agreements/{id}/commitments", new { commitmentId = Commitment, title = "Drones", category = "drones" });
        var statementId = Guid.NewGuid();
        await first.Record(id, Api.Statement(Commitment, "signed", id: statementId), HttpStatusCode.Accepted);
        var review = $"/api/agreements/{id}/statements/{statementId}/review";
        async Task<int> Stored()
        {
            await using var session = app.Store.QuerySession();
            return (await session.Events.FetchStreamAsync(id)).Count;
        }
        var before = await Stored();

        var second = (await users.ReissueAsync(name, Roles.Analyst)).Token;
        (await new Api(app, second).Post(review, new { decision = "approve" }, HttpStatusCode.Forbidden))["detail"]!
            .GetValue<string>().ShouldContain("your own");

        using var workbench = new WorkbenchClient(app.Host);
        await workbench.SignInAsync(name, second);
        var queue = await workbench.GetAsync($"/review?agreement={id}");
        queue.Text.ShouldContain("Your own proposal");
        var forged = await workbench.PostAsync(queue, $"/review?agreement={id}",
            ("agreementId", id), ("statementId", statementId.ToString()), ("decision", "approve"), ("agreement", id));
        forged.Status.ShouldBe(HttpStatusCode.Forbidden);
        forged.Text.ShouldContain("your own");
        (await Stored()).ShouldBe(before);

        await new Api(app, app.SecondAnalystToken).Post(review, new { decision = "approve" });
        Api.Stage(await first.As(second).Get($"/api/agreements/{id}/commitments/{Commitment}")).ShouldBe("signed");
    }

    [Fact]
    public async Task a_returned_statement_is_on_its_proposers_workbench_list_with_the_reviewers_reason_and_on_nobody_elses()
    {
        var name = "dee-" + Guid.NewGuid().ToString("N")[..8];
        var token = (await app.Host.Services.GetRequiredService<UserAdministration>().AddAsync(name, Roles.Analyst)).Token;
        var proposer = new Api(app, token);
        var id = "rvr-" + Guid.NewGuid().ToString("N")[..10];
        await proposer.Post("/api/agreements", new { agreementId = id, title = "T", parties = new[] { "UKR", "FRA" }, review = "required" });
        await proposer.Post($"/api/agreements/{id}/commitments", new { commitmentId = Commitment, title = "Drones", category = "drones" });
        var statementId = Guid.NewGuid();
        await proposer.Record(id, Api.Statement(Commitment, "signed", id: statementId, quote: "Die Drohnen sind bestellt."), HttpStatusCode.Accepted);
        await new Api(app, app.SecondAnalystToken).Post($"/api/agreements/{id}/statements/{statementId}/review",
            new { decision = "return", reason = "The order was for 40, not all of them." });

        using var mine = new WorkbenchClient(app.Host);
        await mine.SignInAsync(name, token);
        var list = (await mine.GetAsync("/review/returned")).Text;
        list.ShouldContain("1 returned.");
        list.ShouldContain("Die Drohnen sind bestellt.");
        list.ShouldContain("The order was for 40, not all of them.");
        list.ShouldContain(TrackerApp.SecondAnalyst);
        using var other = new WorkbenchClient(app.Host);
        await other.SignInAsync(TrackerApp.Analyst, app.AnalystToken);
        (await other.GetAsync("/review/returned")).Text.ShouldNotContain("The order was for 40, not all of them.");
    }
}
