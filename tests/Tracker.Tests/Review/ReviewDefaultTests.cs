using System.Net;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Tracker.Agreements;
using Tracker.Security;
using Tracker.Tests.Support;

namespace Tracker.Tests.Review;

/// <summary>
/// A deployment that requires review by default gets it however an agreement is opened — over the API, at the
/// workbench or with the CLI's <c>open</c> — unless the opener says otherwise.
/// </summary>
public class ReviewDefaultTests
{
    [Fact]
    public async Task an_agreement_opened_at_the_workbench_or_the_terminal_takes_the_deployments_default()
    {
        var database = await TestCluster.NewDatabaseAsync("reviewdefault");
        await using var host = await TrackerApp.StartAsync(database, ("Tracker:Review:Default", "required"));
        var token = (await host.Services.GetRequiredService<UserAdministration>().AddAsync("ana", Roles.Analyst)).Token;
        var store = host.Services.GetRequiredService<IDocumentStore>();
        async Task<bool> RequiresReview(string id)
        {
            await using var session = store.QuerySession();
            var events = await session.Events.FetchStreamAsync(id);
            events.ShouldNotBeEmpty($"agreement '{id}' was not opened");
            return events.Any(e => e.Data is AgreementReviewSet { Review: SetReview.Required });
        }

        using var workbench = new WorkbenchClient(host);
        await workbench.SignInAsync("ana", token);
        var form = await workbench.GetAsync("/agreements/new");
        form.Html.ShouldContain("This deployment's default (required)");
        (await workbench.PostAsync(form, "/agreements/new", ("agreementId", "wb-default"), ("title", "Opened at the workbench"),
            ("parties", "UKR, FRA"))).Status.ShouldBe(HttpStatusCode.Redirect);
        (await RequiresReview("wb-default")).ShouldBeTrue("the workbench applies the deployment's default");
        (await workbench.PostAsync(form, "/agreements/new", ("agreementId", "wb-none"), ("title", "Opened without review"),
            ("parties", "UKR, FRA"), ("review", "none"))).Status.ShouldBe(HttpStatusCode.Redirect);
        (await RequiresReview("wb-none")).ShouldBeFalse("the opener's explicit choice wins over the default");
        var refused = await workbench.PostAsync(form, "/agreements/new", ("agreementId", "wb-bad"), ("title", "T"),
            ("parties", "UKR, FRA"), ("review", "sometimes"));
        refused.Status.ShouldBe(HttpStatusCode.BadRequest);
        refused.Html.ShouldContain("is not one of");

        var file = Path.Combine(Directory.CreateTempSubdirectory("tracker-open-").FullName, "agreement.json");
        await File.WriteAllTextAsync(file, """{ "agreementId": "cli-default", "title": "Opened at a terminal", "parties": ["UKR", "FRA"] }""");
        var opened = await TrackerProcess.RunAsync(
            new Dictionary<string, string?> { ["TRACKER_DB"] = database, ["Tracker__Review__Default"] = "required" },
            "open", "--file", file);
        opened.ExitCode.ShouldBe(0, opened.ToString());
        (await RequiresReview("cli-default")).ShouldBeTrue("the CLI's open applies the deployment's default");
    }
}
