using System.Net;
using System.ServiceModel.Syndication;
using System.Xml;
using Tracker.Tests.Support;

namespace Tracker.Tests.Following;

/// <summary>A desk follows saved portfolio filters — "air-defence commitments reaching signed", "anything of party FRA
/// that becomes contested" — and is told of the changes that do that, on the Following page, in its Atom feed and in
/// the API, and of no other change of the same commitments.</summary>
[Collection(AppCollection.Name)]
public class SavedFilterStories(TrackerApp app)
{
    private const string AirDefence = "air-defence-joint-production";
    private readonly Api _analyst = new(app);
    private static string NewAgreementId() => "sf-" + Guid.NewGuid().ToString("N")[..10];

    /// <summary>A user of their own: a follow of every air-defence commitment must not reach other stories' users.</summary>
    private async Task<(string Name, string Token, Api Api)> NewUser()
    {
        var name = "desk-" + Guid.NewGuid().ToString("N")[..8];
        var token = (await _analyst.As(app.AdminToken).Post("/api/users", new { name, role = "reader" }))["token"]!.ToString();
        return (name, token, _analyst.As(token));
    }

    private async Task<WorkbenchClient> SignedIn(string name, string token)
    {
        var client = new WorkbenchClient(app.Host);
        await client.SignInAsync(name, token);
        return client;
    }

    private async Task<List<SyndicationItem>> AtomItemsOf(Api user, string agreementId)
    {
        var key = (await user.Post("/api/watchlist/feed-key", new { }))["key"]!.ToString();
        var (status, _, result) = await _analyst.Anonymous().Send(HttpMethod.Get, $"/feeds/{key}/following.atom");
        status.ShouldBe(HttpStatusCode.OK);
        result.Context.Response.Body.Position = 0;
        using var xml = XmlReader.Create(result.Context.Response.Body);
        return SyndicationFeed.Load(xml).Items
            .Where(i => i.Links.Any(l => l.Uri.AbsolutePath.StartsWith($"/agreements/{agreementId}/", StringComparison.Ordinal))).ToList();
    }

    [Fact]
    public async Task a_desk_following_air_defence_reaching_signed_sees_the_signing_and_not_the_announcement()
    {
        var (name, token, desk) = await NewUser();
        var follow = await desk.Post("/api/watchlist", new { category = "Air-Defence", reaches = "SIGNED" });
        (follow["category"]!.ToString(), follow["reaches"]!.ToString(), follow["becomesOverdue"]!.GetValue<bool>())
            .ShouldBe(("air-defence", "signed", false), "stored by the vocabularies' own names");
        var id = NewAgreementId();
        await _analyst.Open(id, AirDefence);
        await _analyst.Record(id, Api.Statement(AirDefence, "under-examination", saidOn: "2025-06"));
        var announcement = "Les parties ont annoncé la production " + Guid.NewGuid().ToString("N");
        await _analyst.Record(id, Api.Statement(AirDefence, "announced", saidOn: "2025-09-02", quote: announcement));
        var signing = "Les parties ont signé l'accord " + Guid.NewGuid().ToString("N");
        await _analyst.Record(id, Api.Statement(AirDefence, "signed", saidOn: "2025-10-01", quote: signing));
        // Signed again, said later: the commitment was signed already, so it reaches nothing.
        var again = "Nous avons signé, je le confirme " + Guid.NewGuid().ToString("N");
        await _analyst.Record(id, Api.Statement(AirDefence, "signed", saidOn: "2025-10-02", quote: again, actor: "FRA"));

        using var workbench = await SignedIn(name, token);
        var following = await workbench.GetAsync("/following");

        following.Status.ShouldBe(HttpStatusCode.OK);
        following.Text.ShouldContain("air-defence commitments reaching signed");
        following.Text.ShouldContain($"{AirDefence}: announced → signed");
        following.Text.ShouldContain(signing);
        following.Text.ShouldNotContain(announcement);
        following.Text.ShouldNotContain(again);
        following.Text.ShouldNotContain($"{AirDefence}: under-examination → announced");
        following.Text.ShouldNotContain($"{id}: statement recorded", Case.Sensitive, "a condition asks for status changes only");

        var items = await AtomItemsOf(desk, id);
        items.Select(i => i.Title.Text).ShouldBe([$"{AirDefence}: announced → signed"]);
        ((TextSyndicationContent)items[0].Content).Text.ShouldBe(signing);

        (await desk.Get("/api/watchlist")).AsArray().ShouldHaveSingleItem()!["reaches"]!.ToString().ShouldBe("signed");
    }

    [Fact]
    public async Task anything_of_party_fra_becoming_contested_shows_the_change_that_made_it_contested_only()
    {
        var (name, token, desk) = await NewUser();
        await desk.Post("/api/watchlist", new { party = "fra", becomesContested = true });
        var id = NewAgreementId();
        await _analyst.Open(id, AirDefence);
        await _analyst.Record(id, Api.Statement(AirDefence, "under-examination", saidOn: "2025-06"));
        // Recorded now, said long before the examination: signed, and contested by the later statement.
        var backdated = "Das Abkommen wurde bereits unterzeichnet " + Guid.NewGuid().ToString("N");
        await _analyst.Record(id, Api.Statement(AirDefence, "signed", saidOn: "2024-12-01", quote: backdated));

        using var workbench = await SignedIn(name, token);
        var following = await workbench.GetAsync("/following");

        following.Text.ShouldContain("commitments of party FRA becoming contested");
        following.Text.ShouldContain($"{AirDefence}: under-examination → signed (contested)");
        following.Text.ShouldContain(backdated);
        following.Text.ShouldNotContain($"{AirDefence}: none → under-examination");
        (await AtomItemsOf(desk, id)).Select(i => i.Title.Text).ShouldBe([$"{AirDefence}: under-examination → signed (contested)"]);
    }

    [Fact]
    public async Task the_portfolio_page_saves_its_filter_with_the_change_asked_for()
    {
        var (name, token, desk) = await NewUser();
        using var workbench = await SignedIn(name, token);

        var portfolio = await workbench.GetAsync("/?category=air-defence&stage=signed&party=fra");
        portfolio.Status.ShouldBe(HttpStatusCode.OK);
        portfolio.Html.ShouldContain("Follow this filter");
        portfolio.Html.ShouldContain("<option value=\"signed\" selected=\"selected\">reaching signed</option>");
        portfolio.Html.ShouldNotContain("<script>");
        var followed = await workbench.PostAsync(portfolio, "/following?handler=follow", ("category", "air-defence"), ("party", "fra"),
            ("reaches", "signed"), ("becomesOverdue", "true"), ("returnTo", "/?category=air-defence&stage=signed&party=fra"));

        followed.Status.ShouldBe(HttpStatusCode.Redirect, followed.Text);
        followed.Location!.ToString().ShouldBe("/?category=air-defence&stage=signed&party=fra");
        (await workbench.GetAsync("/following")).Text
            .ShouldContain("air-defence commitments of party FRA reaching signed and becoming overdue");
        var bad = await workbench.PostAsync(portfolio, "/following?handler=follow", ("category", "air-defence"), ("reaches", "signd"));
        bad.Status.ShouldBe(HttpStatusCode.BadRequest);
        bad.Text.ShouldContain("reaches");
        (await desk.Get("/api/watchlist")).AsArray().Count.ShouldBe(1);
    }

    [Theory]
    [InlineData("{\"category\":\"air-defence\",\"reaches\":\"signd\"}", "reaches")]
    [InlineData("{\"reaches\":\"\",\"becomesOverdue\":false}", "agreement")]
    [InlineData("{\"reaches\":\"signed\",\"category\":\"air-defense-typo\"}", "category")]
    public async Task an_unknown_stage_or_an_empty_follow_is_a_400_naming_the_field_and_nothing_is_stored(string body, string field)
    {
        var (_, _, desk) = await NewUser();

        var (status, problem, _) = await desk.Send(HttpMethod.Post, "/api/watchlist", body);

        status.ShouldBe(HttpStatusCode.BadRequest, problem?.ToJsonString());
        problem!["errors"]![field].ShouldNotBeNull(problem.ToJsonString());
        (await desk.Get("/api/watchlist")).AsArray().ShouldBeEmpty();
    }

    [Fact]
    public async Task the_same_filter_with_another_condition_is_another_follow_and_with_the_same_one_the_same()
    {
        var (_, _, desk) = await NewUser();

        var overdue = await desk.Post("/api/watchlist", new { becomesOverdue = true });
        var contested = await desk.Post("/api/watchlist", new { becomesOverdue = true, becomesContested = true });
        var again = await desk.Post("/api/watchlist", new { becomesOverdue = true }, HttpStatusCode.OK);

        again["id"]!.ToString().ShouldBe(overdue["id"]!.ToString());
        contested["id"]!.ToString().ShouldNotBe(overdue["id"]!.ToString());
        (await desk.Get("/api/watchlist")).AsArray().Count.ShouldBe(2);
    }
}
