using System.Net;
using System.ServiceModel.Syndication;
using System.Text.Json.Nodes;
using System.Xml;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Tracker.Security;
using Tracker.Tests.Support;

namespace Tracker.Tests.Following;

/// <summary>A reader follows the air-defence commitment and polls an Atom feed of it without a session; each key
/// reads only its own user's watchlist, and a rotated or revoked key reads nothing.</summary>
[Collection(AppCollection.Name)]
public class WatchlistStories(TrackerApp app)
{
    private const string AirDefence = "air-defence-joint-production";
    private readonly Api _analyst = new(app);
    private Api Reader => _analyst.As(app.ReaderToken);
    private static string NewAgreementId() => "w-" + Guid.NewGuid().ToString("N")[..10];

    private async Task<string> NewFeedKey(Api who) =>
        (await who.Post("/api/watchlist/feed-key", new { }))["key"]!.ToString();

    private async Task<(HttpStatusCode Status, string Text, string ContentType)> Poll(string path)
    {
        var (status, _, result) = await _analyst.Anonymous().Send(HttpMethod.Get, path);
        var response = result.Context.Response;
        response.Body.Position = 0;
        using var reader = new StreamReader(response.Body);
        return (status, await reader.ReadToEndAsync(), response.ContentType ?? "");
    }

    private static SyndicationFeed Parse(string atom)
    {
        using var reader = XmlReader.Create(new StringReader(atom), new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit });
        var formatter = new Atom10FeedFormatter();
        formatter.CanRead(reader).ShouldBeTrue(atom);
        formatter.ReadFrom(reader);
        return formatter.Feed;
    }

    private static string ContentOf(SyndicationItem item) => ((TextSyndicationContent)item.Content).Text;

    [Fact]
    public async Task a_reader_follows_a_commitment_once_sees_only_their_own_list_and_removes_only_their_own_follow()
    {
        var id = NewAgreementId();
        await _analyst.Open(id, AirDefence);

        var follow = await Reader.Post("/api/watchlist", new { agreement = id, commitment = AirDefence });
        var again = await Reader.Post("/api/watchlist", new { agreement = id, commitment = AirDefence }, HttpStatusCode.OK);
        var byParty = await Reader.Post("/api/watchlist", new { party = "fra" });

        again["id"]!.ToString().ShouldBe(follow["id"]!.ToString());
        (follow["agreement"]!.ToString(), follow["commitment"]!.ToString()).ShouldBe((id, AirDefence));
        byParty["party"]!.ToString().ShouldBe("FRA", "a party is stored as its registry code");
        var mine = (await Reader.Get("/api/watchlist")).AsArray().Select(f => f!["id"]!.ToString()).ToList();
        mine.ShouldContain(follow["id"]!.ToString());
        (await _analyst.Get("/api/watchlist")).AsArray().Select(f => f!["id"]!.ToString()).ShouldNotContain(follow["id"]!.ToString());

        (await _analyst.Send(HttpMethod.Post, $"/api/watchlist/{follow["id"]}/removal")).Status.ShouldBe(HttpStatusCode.NotFound);
        (await Reader.Send(HttpMethod.Post, $"/api/watchlist/{follow["id"]}/removal")).Status.ShouldBe(HttpStatusCode.NoContent);
        (await Reader.Send(HttpMethod.Post, $"/api/watchlist/{follow["id"]}/removal")).Status.ShouldBe(HttpStatusCode.NotFound);
        (await Reader.Get("/api/watchlist")).AsArray().Select(f => f!["id"]!.ToString()).ShouldNotContain(follow["id"]!.ToString());
        await Reader.Send(HttpMethod.Post, $"/api/watchlist/{byParty["id"]}/removal");
    }

    [Theory]
    [InlineData("{}", "agreement")]
    [InlineData("{\"agreement\":\"no-such-agreement\"}", "agreement")]
    [InlineData("{\"commitment\":\"no-such-commitment\"}", "commitment")]
    [InlineData("{\"party\":\"nowhere-land\"}", "party")]
    [InlineData("{\"category\":\"air-defense-typo\"}", "category")]
    [InlineData("{\"party\":\"FR\\u0000A\"}", "party")]
    [InlineData("{\"agreement\":\"ua-fr\\ud800\"}", "agreement")]
    public async Task an_unknown_value_is_a_400_naming_the_field_and_nothing_is_stored(string body, string field)
    {
        var before = (await Reader.Get("/api/watchlist")).AsArray().Count;

        var (status, problem, _) = await Reader.Send(HttpMethod.Post, "/api/watchlist", body);

        status.ShouldBe(HttpStatusCode.BadRequest, problem?.ToJsonString());
        problem!["errors"]![field].ShouldNotBeNull(problem.ToJsonString());
        (await Reader.Get("/api/watchlist")).AsArray().Count.ShouldBe(before);
    }

    [Fact]
    public async Task the_atom_feed_of_a_watchlist_parses_and_shows_the_change_with_its_quote_to_its_own_key_only()
    {
        var id = NewAgreementId();
        await _analyst.Open(id, AirDefence);
        await Reader.Post("/api/watchlist", new { agreement = id, commitment = AirDefence });
        await _analyst.Record(id, Api.Statement(AirDefence, "under-examination", saidOn: "2025-06"));
        var quote = $"Wir haben <vereinbart> & \"unterzeichnet\" {Guid.NewGuid():N}";
        await _analyst.Record(id, Api.Statement(AirDefence, "announced", saidOn: "2025-09-02", quote: quote));
        var key = await NewFeedKey(Reader);

        var (status, atom, contentType) = await Poll($"/feeds/{key}/following.atom");

        status.ShouldBe(HttpStatusCode.OK, atom);
        contentType.ShouldStartWith("application/atom+xml");
        var feed = Parse(atom);
        feed.Id.ShouldStartWith("urn:tracker:following:");
        feed.Links.ShouldContain(l => l.RelationshipType == "self");
        var ours = feed.Items.Where(i => i.Links.Any(l => l.Uri.AbsolutePath == $"/agreements/{id}/commitments/{AirDefence}")).ToList();
        ours.Select(i => i.Title.Text).ShouldBe(
            [$"{AirDefence}: under-examination → announced", $"{AirDefence}: none → under-examination"], "newest first");
        ContentOf(ours[0]).ShouldBe(quote);
        ours[0].Id.ShouldMatch(@"^urn:tracker:change:\d+:[1-9]\d*$");
        ours[0].LastUpdatedTime.ShouldBeGreaterThan(DateTimeOffset.UtcNow.AddMinutes(-5));
        var (_, againAtom, _) = await Poll($"/feeds/{key}/following.atom");
        Parse(againAtom).Items.Select(i => i.Id).ShouldContain(ours[0].Id, "entry ids are stable");

        // The analyst's key reads the analyst's list, which does not follow this agreement.
        var analystKey = await NewFeedKey(_analyst);
        var (analystStatus, analystAtom, _) = await Poll($"/feeds/{analystKey}/following.atom");
        analystStatus.ShouldBe(HttpStatusCode.OK);
        Parse(analystAtom).Items.ShouldNotContain(i => i.Links.Any(l => l.Uri.AbsolutePath.StartsWith($"/agreements/{id}/")));
        analystAtom.ShouldNotContain(quote[^32..]);
    }

    [Fact]
    public async Task the_atom_feed_of_an_agreement_shows_its_changes_and_a_rotated_or_revoked_key_reads_nothing()
    {
        var id = NewAgreementId();
        await _analyst.Open(id, AirDefence);
        var quote = "Die Seiten haben unterzeichnet " + Guid.NewGuid().ToString("N");
        await _analyst.Record(id, Api.Statement(AirDefence, "signed", quote: quote));
        var admin = _analyst.As(app.AdminToken);
        var name = "feedreader-" + Guid.NewGuid().ToString("N")[..8];
        var token = (await admin.Post("/api/users", new { name, role = "reader" }))["token"]!.ToString();
        var user = _analyst.As(token);
        var key = await NewFeedKey(user);

        var (status, atom, _) = await Poll($"/feeds/{key}/agreements/{id}.atom");

        status.ShouldBe(HttpStatusCode.OK, atom);
        var feed = Parse(atom);
        feed.Id.ShouldBe($"urn:tracker:agreement:{id}");
        var change = feed.Items.Where(i => i.Title.Text.StartsWith(AirDefence + ":")).ShouldHaveSingleItem();
        change.Title.Text.ShouldBe($"{AirDefence}: none → signed");
        ContentOf(change).ShouldBe(quote);
        (await Poll($"/feeds/{key}/agreements/no-such-agreement.atom")).Status.ShouldBe(HttpStatusCode.NotFound);
        (await Poll($"/feeds/trf_made-up/agreements/{id}.atom")).Status.ShouldBe(HttpStatusCode.NotFound);

        var rotated = await NewFeedKey(user);
        (await Poll($"/feeds/{key}/agreements/{id}.atom")).Status.ShouldBe(HttpStatusCode.NotFound);
        (await Poll($"/feeds/{rotated}/following.atom")).Status.ShouldBe(HttpStatusCode.OK);

        (await admin.Send(HttpMethod.Post, $"/api/users/{name}/revocation")).Status.ShouldBe(HttpStatusCode.NoContent);
        (await Poll($"/feeds/{rotated}/following.atom")).Status.ShouldBe(HttpStatusCode.NotFound);
        (await Poll($"/feeds/{rotated}/agreements/{id}.atom")).Status.ShouldBe(HttpStatusCode.NotFound);
    }
    [Fact]
    public async Task a_user_following_as_many_as_one_may_is_told_to_stop_following_one_first_and_a_repeat_is_still_200()
    {
        var desk = "desk-" + Guid.NewGuid().ToString("N")[..8];
        var token = (await app.Host.Services.GetRequiredService<UserAdministration>().AddAsync(desk, Roles.Reader)).Token;
        var who = _analyst.As(token);
        // Given: the user follows one party over the API and all but one of the rest stored directly (500 requests are not the story).
        var first = await who.Post("/api/watchlist", new { party = "FRA" });
        await using (var conn = new NpgsqlConnection(app.ConnectionString))
        {
            await conn.OpenAsync();
            await using var fill = new NpgsqlCommand("""
                insert into tracker.watchlist (id, user_name, category, created_at)
                select gen_random_uuid(), $1, 'filler-' || i, now() from generate_series(1, $2) i
                """, conn);
            fill.Parameters.AddWithValue(desk);
            fill.Parameters.AddWithValue(Tracker.Following.Watchlist.MaxPerUser - 2);
            await fill.ExecuteNonQueryAsync();
        }

        await who.Post("/api/watchlist", new { party = "UKR" });
        var refused = await who.Send(HttpMethod.Post, "/api/watchlist", new { party = "DEU" });
        refused.Status.ShouldBe(HttpStatusCode.Conflict);
        refused.Body!["detail"]!.ToString().ShouldContain("stop following one first");
        (await who.Post("/api/watchlist", new { party = "FRA" }, HttpStatusCode.OK))["id"]!.ToString()
            .ShouldBe(first["id"]!.ToString(), "following what one follows already is not a new follow");
        (await Reader.Post("/api/watchlist", new { party = "DEU" }, HttpStatusCode.Created))["party"]!.ToString().ShouldBe("DEU", "the limit is per user");

        (await who.Send(HttpMethod.Post, $"/api/watchlist/{first["id"]}/removal")).Status.ShouldBe(HttpStatusCode.NoContent);
        await who.Post("/api/watchlist", new { party = "DEU" });
    }
}
