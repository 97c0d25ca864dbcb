using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Tracker.Tests.Support;

namespace Tracker.Tests.Reports;

/// <summary>An analyst chasing promises: what was due by a date and has not been delivered.</summary>
[Collection(AppCollection.Name)]
public class ReportTargetTests(TrackerApp app)
{
    private readonly Api _api = new(app);

    private async Task<string> DeliveriesDueBySeptemberAsync()
    {
        var id = "due-" + Guid.NewGuid().ToString("N")[..10];
        await _api.Open(id);
        foreach (var (commitment, stage) in new[] { ("sampt-batteries", "announced"), ("shells", "fulfilled") })
        {
            await _api.Post($"/api/agreements/{id}/commitments", new
            {
                commitmentId = commitment, title = $"Deliver {commitment}", category = "air-defence", responsibleActors = new[] { "FRA" },
                targetDate = "2025-09-30", quantity = new { amount = 2, unit = "batteries" },
            });
            await _api.Record(id, Api.Statement(commitment, stage, saidOn: "2025-06-05"));
        }
        return id;
    }

    [Fact]
    public async Task a_commitment_past_its_target_date_and_not_fulfilled_is_overdue_in_every_format_and_can_be_filtered()
    {
        var id = await DeliveriesDueBySeptemberAsync();

        var before = JsonNode.Parse(await _api.Text($"/api/reports/status?agreement={id}&asOf=2025-09-01"))!;
        before["rows"]!.AsArray().Select(r => r!["overdue"]!.GetValue<bool>()).ShouldAllBe(o => !o);

        var after = JsonNode.Parse(await _api.Text($"/api/reports/status?agreement={id}&asOf=2025-10-01"))!;
        after["rows"]!.AsArray().ToDictionary(r => r!["status"]!["commitmentId"]!.GetValue<string>(), r => r!["overdue"]!.GetValue<bool>())
            .ShouldBe(new Dictionary<string, bool> { ["sampt-batteries"] = true, ["shells"] = false });

        var overdue = JsonNode.Parse(await _api.Text($"/api/reports/status?agreement={id}&overdue=true"))!;
        overdue["total"]!.GetValue<int>().ShouldBe(1);
        overdue["rows"]![0]!["status"]!["commitmentId"]!.GetValue<string>().ShouldBe("sampt-batteries");
        JsonNode.Parse(await _api.Text($"/api/reports/status?agreement={id}&overdue=false"))!["total"]!.GetValue<int>().ShouldBe(1);

        var md = await _api.Text($"/api/reports/status?agreement={id}&format=md&overdue=true");
        md.ShouldContain("| target |");
        md.ShouldContain("by 2025-09-30: 2 batteries **overdue**");
        (await _api.Text($"/api/reports/status?agreement={id}&format=html")).ShouldContain("by 2025-09-30: 2 batteries<br><span class=\"overdue\">overdue</span>");
        var csv = CsvText.Rows(await _api.Text($"/api/reports/status?agreement={id}&format=csv"));
        var batteries = csv.Single(r => r["commitment_id"] == "sampt-batteries");
        (batteries["target_date"], batteries["target_amount"], batteries["target_unit"], batteries["overdue"])
            .ShouldBe(("2025-09-30", "2", "batteries", "yes"));
        csv.Single(r => r["commitment_id"] == "shells")["overdue"].ShouldBe("no");

        var (status, body, _) = await _api.Send(HttpMethod.Get, $"/api/reports/status?overdue=soon");
        status.ShouldBe(HttpStatusCode.BadRequest);
        body!["errors"]!["overdue"]![0]!.GetValue<string>().ShouldContain("not true or false");
    }
}
