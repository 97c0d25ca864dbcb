using System.Net;
using System.Text.Json.Nodes;
using Npgsql;
using Tracker.Tests.Support;

namespace Tracker.Tests.Following;

/// <summary>A desk follows the air-defence commitment: every write that moves its status as of today is one change
/// fact in the feed, with the statement that caused it; writes that move nothing are only the statement's entry.</summary>
[Collection(AppCollection.Name)]
public class FollowingStories(TrackerApp app)
{
    private const string AirDefence = "air-defence-joint-production";
    private readonly Api _analyst = new(app);
    private Api Reader => _analyst.As(app.ReaderToken);
    private static string NewAgreementId() => "f-" + Guid.NewGuid().ToString("N")[..10];

    private async Task<List<JsonNode>> FeedOf(string agreementId)
    {
        var page = await Reader.Get($"/api/feed?agreement={agreementId}&limit=1000");
        page["more"]!.GetValue<bool>().ShouldBeFalse();
        return [.. page["entries"]!.AsArray().Select(e => e!)];
    }

    private static List<JsonNode> ChangesBy(IEnumerable<JsonNode> entries, Guid statementId) =>
        [.. entries.Where(e => e["kind"]!.ToString() == "status-changed" && e["statementId"]!.ToString() == statementId.ToString())];

    private static string Status(JsonNode? s) =>
        s is null ? "-" : $"{s["stage"]?.ToString() ?? "none"}{(s["contested"]!.GetValue<bool>() ? " contested" : "")}";

    private async Task<string> ChainHashOf(string agreementId, Guid statementId, string eventType)
    {
        await using var conn = new NpgsqlConnection(app.ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("""
            select encode(c.hash, 'hex') from tracker.event_chain c join tracker.mt_events e on e.seq_id = c.seq_id
            where e.stream_id = @a and e.type = @t and e.data ->> 'statementId' = @s
            """, conn);
        cmd.Parameters.AddWithValue("a", agreementId);
        cmd.Parameters.AddWithValue("t", eventType);
        cmd.Parameters.AddWithValue("s", statementId.ToString());
        return (string)(await cmd.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task a_statement_moving_air_defence_to_announced_is_one_change_fact_and_a_corroboration_is_none()
    {
        var id = NewAgreementId();
        await _analyst.Open(id, AirDefence);
        await _analyst.Record(id, Api.Statement(AirDefence, "under-examination", saidOn: "2025-06"));
        var announced = Guid.NewGuid();
        await _analyst.Record(id, Api.Statement(AirDefence, "announced", saidOn: "2025-09-02", id: announced));
        var corroboration = Guid.NewGuid();
        await _analyst.Record(id, Api.Statement(AirDefence, "announced", saidOn: "2025-09-03", id: corroboration, actor: "FRA",
            speaker: "Sébastien Lecornu"));

        var feed = await FeedOf(id);

        var change = ChangesBy(feed, announced).ShouldHaveSingleItem();
        Status(change["before"]).ShouldBe("under-examination");
        Status(change["after"]).ShouldBe("announced");
        change["commitmentId"]!.ToString().ShouldBe(AirDefence);
        change["agreementId"]!.ToString().ShouldBe(id);
        change["categories"]!.AsArray().Select(c => c!.ToString()).ShouldBe(["air-defence"]);
        change["recordedBy"]!.ToString().ShouldBe(TrackerApp.Analyst);
        change["chainHash"]!.ToString().ShouldBe(await ChainHashOf(id, announced, "statement_recorded"));
        ChangesBy(feed, corroboration).ShouldBeEmpty();
        feed.Count(e => e["statementId"]?.ToString() == corroboration.ToString()).ShouldBe(1, "the corroboration's own entry");
        feed.Select(e => e["kind"]!.ToString()).ShouldBe(
            ["statement-recorded", "status-changed", "statement-recorded", "status-changed", "statement-recorded"]);
    }

    [Fact]
    public async Task retractions_backdated_statements_and_corrections_each_record_the_change_they_cause_and_no_other()
    {
        var id = NewAgreementId();
        await _analyst.Open(id, AirDefence);
        await _analyst.Record(id, Api.Statement(AirDefence, "under-examination", saidOn: "2025-06"));
        var announced = Guid.NewGuid();
        await _analyst.Record(id, Api.Statement(AirDefence, "announced", saidOn: "2025-09-02", id: announced));
        var corroboration = Guid.NewGuid();
        await _analyst.Record(id, Api.Statement(AirDefence, "announced", saidOn: "2025-09-03", id: corroboration, actor: "FRA"));

        // Retracting the corroboration leaves it announced; retracting the announcement moves it back.
        await _analyst.Post($"/api/agreements/{id}/statements/{corroboration}/retraction", new { reason = "misattributed" });
        await _analyst.Post($"/api/agreements/{id}/statements/{announced}/retraction", new { reason = "the ministry denied it" });
        // Recorded today, said long ago: it changes today's status (signed, contested by the later examination).
        var backdated = Guid.NewGuid();
        await _analyst.Record(id, Api.Statement(AirDefence, "signed", saidOn: "2024-12-01", id: backdated));
        await _analyst.Post($"/api/agreements/{id}/statements/{backdated}/corrections", new
        {
            correctionId = Guid.NewGuid(),
            reason = "the article says raised, not signed",
            changes = new { assertions = new[] { new { commitmentId = AirDefence, stage = "raised" } } },
        });

        var feed = await FeedOf(id);

        feed.Select(e => e["kind"]!.ToString()).ShouldBe(
        [
            "statement-recorded", "status-changed", "statement-recorded", "status-changed", "statement-recorded",
            "statement-retracted", "statement-retracted", "status-changed", "statement-recorded", "status-changed",
            "statement-corrected", "status-changed",
        ]);
        ChangesBy(feed, corroboration).ShouldBeEmpty();
        var retracted = feed.Where(e => e["kind"]!.ToString() == "statement-retracted").ToList();
        retracted.Select(e => e["statementId"]!.ToString()).ShouldBe([corroboration.ToString(), announced.ToString()]);
        retracted[0]["reason"]!.ToString().ShouldBe("misattributed");
        var back = ChangesBy(feed, announced).Last();
        (Status(back["before"]), Status(back["after"]), back["reason"]!.ToString())
            .ShouldBe(("announced", "under-examination", "the ministry denied it"));
        back["chainHash"]!.ToString().ShouldBe(await ChainHashOf(id, announced, "statement_retracted"));
        var changes = ChangesBy(feed, backdated);
        changes.Select(c => $"{Status(c["before"])} -> {Status(c["after"])}").ShouldBe(
            ["under-examination -> signed contested", "signed contested -> under-examination"]);
        changes[1]["reason"]!.ToString().ShouldBe("the article says raised, not signed");
        // Positions are the chain's: strictly increasing in the order the writes committed.
        var keys = feed.Select(e => (e["position"]!.GetValue<long>(), e["cursor"]!.ToString())).ToList();
        keys.Select(k => k.Item1).ShouldBe(keys.Select(k => k.Item1).Order());
        keys.Select(k => k.Item2).Distinct().Count().ShouldBe(keys.Count);
    }

    [Fact]
    public async Task a_reader_resumes_from_any_cursor_without_a_gap_or_a_repeat()
    {
        var id = NewAgreementId();
        await _analyst.Open(id, AirDefence);
        foreach (var (stage, day) in new[] { ("raised", "01"), ("under-examination", "02"), ("announced", "03"), ("signed", "04") })
            await _analyst.Record(id, Api.Statement(AirDefence, stage, saidOn: $"2025-05-{day}"));
        var whole = (await FeedOf(id)).Select(e => e["cursor"]!.ToString()).ToList();
        whole.Count.ShouldBe(8);

        var followed = new List<string>();
        string? cursor = null;
        for (var reads = 0; reads < 20; reads++)
        {
            var page = await Reader.Get($"/api/feed?agreement={id}&limit=3{(cursor is null ? "" : "&after=" + cursor)}");
            followed.AddRange(page["entries"]!.AsArray().Select(e => e!["cursor"]!.ToString()));
            cursor = page["cursor"]!.ToString();
            if (!page["more"]!.GetValue<bool>()) break;
        }
        followed.ShouldBe(whole);
        (await Reader.Get($"/api/feed?agreement={id}&after={cursor}"))["entries"]!.AsArray().ShouldBeEmpty();
    }

    [Theory]
    [InlineData("after=bm90LWEtY3Vyc29y", "after")]
    [InlineData("after=%F0%9F%98%80", "after")]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=1001", "limit")]
    [InlineData("category=air-defense-typo", "category")]
    [InlineData("party=nowhere-land", "party")]
    [InlineData("agreement=no-such-agreement", "agreement")]
    public async Task a_bad_cursor_or_filter_is_a_400_naming_the_field(string query, string field)
    {
        var (status, body, _) = await Reader.Send(HttpMethod.Get, "/api/feed?" + query);

        status.ShouldBe(HttpStatusCode.BadRequest, body?.ToJsonString());
        body!["errors"]![field].ShouldNotBeNull(body.ToJsonString());
    }

    [Fact]
    public async Task the_feed_filters_by_party_and_category()
    {
        var id = NewAgreementId();
        await _analyst.Open(id, AirDefence);
        await _analyst.Post($"/api/agreements/{id}/commitments", new { commitmentId = "drones", title = "Drones", category = "drones" });
        await _analyst.Record(id, Api.Statement(AirDefence, "raised"));
        await _analyst.Record(id, Api.Statement("drones", "raised"));

        var drones = await Reader.Get($"/api/feed?agreement={id}&category=drones");
        drones["entries"]!.AsArray().Select(e => $"{e!["kind"]} {e["commitmentId"]}")
            .ShouldBe(["statement-recorded ", "status-changed drones"]);
        var byParty = await Reader.Get($"/api/feed?party=fra&category=drones&limit=1000");
        byParty["entries"]!.AsArray().Where(e => e!["agreementId"]!.ToString() == id).Count().ShouldBe(2);
    }
}
