using System.Net;
using System.Text.Json.Nodes;
using Tracker.Tests.Support;

namespace Tracker.Tests.Reports;

/// <summary>
/// "What has Umerov spoken of? What has France said?": the status report filters by a speaker's name (words, by
/// prefix, in any script) and by the actor a speaker speaks for, counting only statements that still stand.
/// </summary>
[Collection(AppCollection.Name)]
public class ReportSpeakerFilterTests(TrackerApp app)
{
    private readonly Api _api = new(app);

    /// <summary>Four commitments, each spoken of by someone else; the last one's only statement is retracted.</summary>
    private async Task<string> AgreementSpokenOfByFourAsync()
    {
        var id = "spk-" + Guid.NewGuid().ToString("N")[..10];
        await _api.Open(id, "drones", "air-defence", "ammunition", "training");
        await _api.Record(id, Api.Statement("drones", "raised", saidOn: "2025-06-05", speaker: "Rustem Umerov", actor: "UKR"));
        await _api.Record(id, Api.Statement("air-defence", "under-examination", saidOn: "2025-06-20", speaker: "Sébastien Lecornu", actor: "FRA"));
        await _api.Record(id, Api.Statement("ammunition", "raised", saidOn: "2025-06-05", speaker: "Денис Шмигаль", actor: "UKR"));
        var retracted = Guid.NewGuid();
        await _api.Record(id, Api.Statement("training", "raised", id: retracted, speaker: "Pete Hegseth", actor: "USA"));
        await _api.Post($"/api/agreements/{id}/statements/{retracted}/retraction", new { reason = "not what he said" });
        return id;
    }

    private async Task<List<string>> CommitmentsAsync(string query)
    {
        var report = JsonNode.Parse(await _api.Text($"/api/reports/status?{query}"))!;
        var rows = report["rows"]!.AsArray().Select(r => r!["status"]!["commitmentId"]!.GetValue<string>()).ToList();
        report["total"]!.GetValue<int>().ShouldBe(rows.Count, query);
        report["totalsByStage"]!.AsObject().Sum(t => t.Value!.GetValue<int>()).ShouldBe(rows.Count, $"totals of {query}");
        return rows;
    }

    [Fact]
    public async Task a_speakers_name_or_the_start_of_it_finds_the_commitments_they_spoke_of()
    {
        var id = await AgreementSpokenOfByFourAsync();

        (await CommitmentsAsync($"agreement={id}&speaker=umerov")).ShouldBe(["drones"]);
        (await CommitmentsAsync($"agreement={id}&speaker=Rustem%20Umer")).ShouldBe(["drones"]);
        (await CommitmentsAsync($"agreement={id}&speaker=s%C3%A9bast")).ShouldBe(["air-defence"]);
        (await CommitmentsAsync($"agreement={id}&speaker=%D1%88%D0%BC%D0%B8%D0%B3%D0%B0%D0%BB%D1%8C")).ShouldBe(["ammunition"],
            "шмигаль, typed in lower case, finds Шмигаль");
        (await CommitmentsAsync($"agreement={id}&speaker=hegseth")).ShouldBeEmpty("his only statement was retracted");
        (await CommitmentsAsync($"agreement={id}&speaker=umerov&stage=under-examination")).ShouldBeEmpty();
    }

    [Fact]
    public async Task an_actor_finds_what_its_speakers_spoke_of()
    {
        var id = await AgreementSpokenOfByFourAsync();

        (await CommitmentsAsync($"agreement={id}&actor=fra")).ShouldBe(["air-defence"]);
        (await CommitmentsAsync($"agreement={id}&actor=UKR")).ShouldBe(["drones", "ammunition"]);
        (await CommitmentsAsync($"agreement={id}&actor=USA")).ShouldBeEmpty("the only US statement was retracted");

        var md = await _api.Text($"/api/reports/status?agreement={id}&actor=FRA&format=md");
        md.ShouldContain("spoken of by FRA");
        md.ShouldNotContain("(`drones`)");
    }

    [Fact]
    public async Task as_of_a_date_only_statements_said_by_then_count()
    {
        var id = await AgreementSpokenOfByFourAsync();

        (await CommitmentsAsync($"agreement={id}&actor=FRA&asOf=2025-06-10")).ShouldBeEmpty("Lecornu spoke on 20 June");
        (await CommitmentsAsync($"agreement={id}&actor=FRA&asOf=2025-06-20")).ShouldBe(["air-defence"]);
    }

    [Theory]
    [InlineData("speaker=umerov&knownAt=2025-06-01T00:00:00Z", "speaker", "does not combine with knownAt")]
    [InlineData("actor=UK", "actor", "GBR")]
    [InlineData("speaker=%E2%80%94", "speaker", "needs a word")]
    public async Task a_filter_that_cannot_be_answered_is_refused_with_the_reason(string query, string field, string reason)
    {
        var (status, body, _) = await _api.Send(HttpMethod.Get, $"/api/reports/status?{query}");
        status.ShouldBe(HttpStatusCode.BadRequest);
        body!["errors"]![field]![0]!.GetValue<string>().ShouldContain(reason);
    }
}
