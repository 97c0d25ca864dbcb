using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Tracker.Agreements.Storage;
using Tracker.Import;
using Tracker.Tests.Support;
using Tracker.Kernel;

namespace Tracker.Tests.Stories;

/// <summary>Whole stories as an analyst and a reader live them, over HTTP against the real store.</summary>
[Collection(AppCollection.Name)]
public class AnalystStories(TrackerApp app)
{
    private const string AirDefence = "air-defence-joint-production";
    private const string Drones = "drone-production";
    private readonly Api _analyst = new(app);
    private Api Reader => _analyst.As(app.ReaderToken);
    private static string NewAgreementId() => "s-" + Guid.NewGuid().ToString("N")[..10];
    private static string Instant(DateTimeOffset t) => Uri.EscapeDataString(t.ToString("O"));

    [Fact]
    public async Task the_seed_article_gives_the_stages_the_team_read_in_it()
    {
        var seed = Path.Combine(TrackerProcess.RepositoryRoot, "seeds", "ua-fr-joint-production.jsonl");
        var result = await app.Host.Services.GetRequiredService<Importer>().ImportAsync([seed], new Author("seed", "story-seed"));
        result.Errors.ShouldBeEmpty();

        var summary = await Reader.Get("/api/agreements/ua-fr-defence-industry");

        summary["parties"]!.AsArray().Select(p => p!.ToString()).ShouldBe(["UKR", "FRA"]);
        summary["commitments"]!.AsArray().ToDictionary(c => c!["commitmentId"]!.ToString(), c => c!["stage"]?.ToString())
            .ShouldBe(new Dictionary<string, string?>
            {
                [Drones] = "raised",
                [AirDefence] = "under-examination",
                ["weapons-joint-production"] = "under-examination",
            }, ignoreOrder: true);
        var airDefence = await Reader.Get($"/api/agreements/ua-fr-defence-industry/commitments/{AirDefence}");
        airDefence["since"]!.ToString().ShouldBe("2025-06");
        airDefence["evidence"]![0]!["outlet"].ShouldNotBeNull();
    }

    [Fact]
    public async Task a_weaker_word_from_one_party_contests_the_stage_and_each_party_keeps_its_position()
    {
        var id = NewAgreementId();
        await _analyst.Open(id, AirDefence);
        await _analyst.Record(id, Api.Statement(AirDefence, "signed", saidOn: "2025-06-05", actor: "FRA", speaker: "Sébastien Lecornu"));
        var doubt = Guid.NewGuid();
        await _analyst.Record(id, Api.Statement(AirDefence, "under-examination", saidOn: "2025-06-12", id: doubt));

        var status = await Reader.Get($"/api/agreements/{id}/commitments/{AirDefence}");

        Api.Stage(status).ShouldBe("signed");
        status["contested"]!.GetValue<bool>().ShouldBeTrue();
        status["conflicting"]!.AsArray().Select(c => c!["statementId"]!.ToString()).ShouldBe([doubt.ToString()]);
        status["positions"]!.AsArray().ToDictionary(p => p!["actor"]!.ToString(), p => p!["stage"]!.ToString())
            .ShouldBe(new Dictionary<string, string> { ["FRA"] = "signed", ["UKR"] = "under-examination" });
    }

    /// <summary>
    /// June: the ministers agree to examine joint production. September: a report says an agreement was signed; the
    /// analyst records it, then corrects it to "announced" when the ministry's own statement arrives, then retracts
    /// a duplicate. The reader then asks what was true when, and what we knew when; the auditor asks who did what.
    /// </summary>
    [Fact]
    public async Task an_analysts_season_on_one_agreement_read_back_through_status_history_reports_and_audit()
    {
        var id = NewAgreementId();
        await _analyst.Open(id, AirDefence, Drones);
        var june = Guid.NewGuid();
        var september = Guid.NewGuid();
        var duplicate = Guid.NewGuid();
        await _analyst.Record(id, Api.Statement(AirDefence, "under-examination", saidOn: "2025-06-05", id: june));
        await _analyst.Record(id, Api.Statement(AirDefence, "signed", saidOn: "2025-09-10", id: september));
        await _analyst.Record(id, Api.Statement(Drones, "raised", saidOn: "2025-09-10", id: duplicate));
        await Task.Delay(20);
        var beforeCorrection = DateTimeOffset.UtcNow;
        await Task.Delay(20);

        var corrected = await _analyst.Post($"/api/agreements/{id}/statements/{september}/corrections", new
        {
            correctionId = Guid.NewGuid(),
            reason = "the ministry's statement says intent was declared; nothing was signed yet",
            changes = new { assertions = new[] { new { commitmentId = AirDefence, stage = "announced" } } },
        }, HttpStatusCode.Created);
        corrected["version"]!.GetValue<long>().ShouldBe(7);
        await _analyst.Post($"/api/agreements/{id}/statements/{duplicate}/retraction", new { reason = "recorded twice by mistake" });

        // Status now, as of a date, and as we knew it before the correction.
        Api.Stage(await Reader.Get($"/api/agreements/{id}/commitments/{AirDefence}")).ShouldBe("announced");
        Api.Stage(await Reader.Get($"/api/agreements/{id}/commitments/{AirDefence}?asOf=2025-07-01")).ShouldBe("under-examination");
        Api.Stage(await Reader.Get($"/api/agreements/{id}/commitments/{AirDefence}?knownAt={Instant(beforeCorrection)}")).ShouldBe("signed");
        Api.Stage(await Reader.Get($"/api/agreements/{id}/commitments/{Drones}")).ShouldBe("none");
        Api.Stage(await Reader.Get($"/api/agreements/{id}/commitments/{Drones}?knownAt={Instant(beforeCorrection)}")).ShouldBe("raised");

        // History: both readings of September, transitions in said-on order.
        var history = await Reader.Get($"/api/agreements/{id}/commitments/{AirDefence}/history");
        var transitions = history["entries"]!.AsArray().Where(e => e!["kind"]!.ToString() == "transition")
            .Select(e => $"{e!["transition"]!["from"]}->{e["transition"]!["to"]}").ToList();
        transitions.ShouldBe(["->under-examination", "under-examination->announced"]);
        var septemberEntry = history["entries"]!.AsArray().Select(e => e!["statement"]).Single(s => s?["statementId"]?.ToString() == september.ToString())!;
        septemberEntry["corrections"]![0]!["earlierReading"]!["assertions"]![0]!["stage"]!.ToString().ShouldBe("signed");

        // Reports: the portfolio as of summer, and what moved in September.
        var report = await Reader.Get($"/api/reports/status?agreement={id}&asOf=2025-07-01");
        report["rows"]!.AsArray().Select(r => $"{r!["status"]!["commitmentId"]}:{r["status"]!["stage"]}")
            .ShouldBe([$"{AirDefence}:under-examination", $"{Drones}:"], ignoreOrder: true);
        var changes = await Reader.Get($"/api/reports/changes?from=2025-09-01&to=2025-09-30");
        changes["changes"]!.AsArray().Where(c => c!["agreementId"]!.ToString() == id)
            .Select(c => $"{c!["commitmentId"]}:{c["transition"]!["to"]}").ShouldBe([$"{AirDefence}:announced"]);
        var changesKnownBefore = await Reader.Get($"/api/reports/changes?from=2025-09-01&to=2025-09-30&knownAt={Instant(beforeCorrection)}");
        changesKnownBefore["changes"]!.AsArray().Where(c => c!["agreementId"]!.ToString() == id)
            .Select(c => $"{c!["commitmentId"]}:{c["transition"]!["to"]}").ShouldBe([$"{AirDefence}:signed", $"{Drones}:raised"], ignoreOrder: true);

        // Audit: every event, who recorded it, and the reasons given.
        await app.WaitForAuditAsync();
        var audit = await Reader.Get($"/api/audit?agreement={id}");
        var items = audit["items"]!.AsArray().Select(i => i!).ToList();
        items.Count.ShouldBe(8);
        items.Select(i => i["recordedBy"]!.ToString()).Distinct().ShouldBe([TrackerApp.Analyst]);
        items.Select(i => i["version"]!.GetValue<long>()).ShouldBe([1, 2, 3, 4, 5, 6, 7, 8]);
        items[6]["reason"]!.ToString().ShouldStartWith("the ministry's statement");
        items[7]["reason"]!.ToString().ShouldBe("recorded twice by mistake");
        var later = await Reader.Get($"/api/audit?agreement={id}&from={Instant(beforeCorrection)}");
        later["items"]!.AsArray().Count.ShouldBe(2);
    }
}
