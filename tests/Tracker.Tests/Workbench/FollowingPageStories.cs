using System.Net;
using System.ServiceModel.Syndication;
using System.Xml;
using Tracker.Tests.Support;

namespace Tracker.Tests.Workbench;

/// <summary>A reader at the workbench follows a commitment with its Follow button, sees its change with the quote on
/// the Following page, and takes a feed key from there for a feed reader.</summary>
[Collection(AppCollection.Name)]
public class FollowingPageStories(TrackerApp app)
{
    private const string AirDefence = "air-defence-joint-production";

    [Fact]
    public async Task a_reader_follows_a_commitment_from_its_page_and_sees_its_change_with_the_quote_on_following()
    {
        var analyst = new Api(app);
        var id = "wf-" + Guid.NewGuid().ToString("N")[..10];
        await analyst.Open(id, AirDefence);
        await analyst.Record(id, Api.Statement(AirDefence, "under-examination", saidOn: "2025-06"));
        using var reader = new WorkbenchClient(app.Host);
        await reader.SignInAsync(TrackerApp.Reader, app.ReaderToken);
        var commitmentPage = $"/agreements/{id}/commitments/{AirDefence}";

        var page = await reader.GetAsync(commitmentPage);
        page.Html.ShouldContain("handler=follow");
        var followed = await reader.PostAsync(page, "/following?handler=follow",
            ("agreement", id), ("commitment", AirDefence), ("returnTo", commitmentPage));
        followed.Status.ShouldBe(HttpStatusCode.Redirect, followed.Text);
        followed.Location!.ToString().ShouldBe(commitmentPage);

        var quote = "Wir haben <die Produktion> angekündigt " + Guid.NewGuid().ToString("N");
        await analyst.Record(id, Api.Statement(AirDefence, "announced", saidOn: "2025-09-02", quote: quote));
        var following = await reader.GetAsync("/following");

        following.Status.ShouldBe(HttpStatusCode.OK);
        following.Text.ShouldContain($"agreement {id}, commitment {AirDefence}");
        var newest = following.Text.IndexOf($"{AirDefence}: under-examination → announced", StringComparison.Ordinal);
        newest.ShouldBeGreaterThan(0, following.Text);
        following.Text.IndexOf(quote, StringComparison.Ordinal).ShouldBeGreaterThan(newest);
        following.Text.IndexOf($"{AirDefence}: none → under-examination", StringComparison.Ordinal).ShouldBeGreaterThan(newest, "newest first");
        following.Html.ShouldNotContain("<script>");

        var rotated = await reader.PostAsync(following, "/following?handler=rotate");
        rotated.Status.ShouldBe(HttpStatusCode.OK, rotated.Text);
        var url = new Uri(rotated.Element("feed-url"));
        var (status, _, result) = await new Api(app).Anonymous().Send(HttpMethod.Get, url.AbsolutePath);
        status.ShouldBe(HttpStatusCode.OK);
        result.Context.Response.Body.Position = 0;
        using var xml = XmlReader.Create(result.Context.Response.Body);
        var feed = SyndicationFeed.Load(xml);
        feed.Items.Select(i => ((TextSyndicationContent)i.Content).Text).ShouldContain(quote);
        (await reader.GetAsync("/following")).Text.ShouldNotContain(url.AbsolutePath, Case.Sensitive, "the key is shown only once");
    }
}
