using System.Net;
using Marten;
using Tracker.Agreements;
using Tracker.Tests.Support;

namespace Tracker.Tests.Stories;

/// <summary>What analysts rely on when they record, correct and retract statements, against the real store.</summary>
[Collection(AppCollection.Name)]
public class RecordingStories(TrackerApp app)
{
    private const string AirDefence = "air-defence-joint-production";
    private readonly Api _api = new(app);
    private static string NewAgreementId() => "t-" + Guid.NewGuid().ToString("N")[..10];

    private async Task<IReadOnlyList<JasperFx.Events.IEvent>> EventsOf(string agreementId)
    {
        await using var session = app.Store.QuerySession();
        return await session.Events.FetchStreamAsync(agreementId);
    }

    [Fact]
    public async Task every_event_names_the_analyst_who_recorded_it_and_the_request_it_came_from()
    {
        var id = NewAgreementId();
        await _api.Open(id, AirDefence);
        await _api.Post($"/api/agreements/{id}/statements", Api.Statement(AirDefence, "under-examination"),
            configure: s => s.WithRequestHeader("X-Correlation-ID", "brussels-2025-06-05"));

        var events = await EventsOf(id);

        events.Select(e => e.UserName).Distinct().ShouldBe([TrackerApp.Analyst]);
        events.Last().CorrelationId.ShouldBe("brussels-2025-06-05");
        events.Select(e => e.Data.GetType()).ShouldBe([typeof(AgreementOpened), typeof(CommitmentAdded), typeof(StatementRecorded)]);
    }

    [Fact]
    public async Task sending_the_same_statement_twice_records_it_once_and_returns_the_original_result()
    {
        var id = NewAgreementId();
        await _api.Open(id, AirDefence);
        var statement = Api.Statement(AirDefence, "under-examination");

        var first = await _api.Record(id, statement, HttpStatusCode.Created);
        var again = await _api.Record(id, statement, HttpStatusCode.OK);

        again["version"]!.GetValue<long>().ShouldBe(first["version"]!.GetValue<long>());
        again["statementId"]!.ToString().ShouldBe(first["statementId"]!.ToString());
        (await EventsOf(id)).Count.ShouldBe(3);
    }

    [Fact]
    public async Task reusing_a_statement_id_for_other_content_is_a_conflict_and_appends_nothing()
    {
        var id = NewAgreementId();
        await _api.Open(id, AirDefence);
        var statementId = Guid.NewGuid();
        await _api.Record(id, Api.Statement(AirDefence, "under-examination", id: statementId));

        var conflict = await _api.Record(id, Api.Statement(AirDefence, "signed", id: statementId), HttpStatusCode.Conflict);

        conflict["detail"]!.ToString().ShouldContain("already recorded with other content");
        (await EventsOf(id)).Count.ShouldBe(3);
    }

    [Fact]
    public async Task twenty_analysts_recording_on_one_agreement_at_once_lose_nothing()
    {
        var id = NewAgreementId();
        await _api.Open(id, AirDefence);
        var ids = Enumerable.Range(0, 20).Select(_ => Guid.NewGuid()).ToList();

        var responses = await Task.WhenAll(ids.Select((statementId, i) =>
            (i % 2 == 0 ? _api : _api.As(app.SecondAnalystToken))
            .Record(id, Api.Statement(AirDefence, "under-examination", saidOn: $"2025-06-{i + 1:00}", id: statementId))));

        responses.Select(r => r["version"]!.GetValue<long>()).Distinct().Count().ShouldBe(20);
        var events = await EventsOf(id);
        events.Select(e => e.Data).OfType<StatementRecorded>().Select(e => e.StatementId).ShouldBe(ids, ignoreOrder: true);
        var status = await _api.Get($"/api/agreements/{id}/commitments/{AirDefence}");
        status["statementCount"]!.GetValue<int>().ShouldBe(20);
    }

    [Fact]
    public async Task eight_analysts_recording_steadily_on_one_busy_agreement_all_succeed()
    {
        var id = NewAgreementId();
        await _api.Open(id, AirDefence);

        // Sustained contention, not one burst: every writer keeps at it while the others do.
        var written = await Task.WhenAll(Enumerable.Range(0, 8).Select(async writer =>
        {
            var mine = new List<Guid>();
            for (var n = 0; n < 12; n++)
            {
                var statementId = Guid.NewGuid();
                var (status, body, _) = await (writer % 2 == 0 ? _api : _api.As(app.SecondAnalystToken)).Send(HttpMethod.Post,
                    $"/api/agreements/{id}/statements", Api.Statement(AirDefence, "raised", id: statementId));
                status.ShouldBe(System.Net.HttpStatusCode.Created, body?.ToJsonString());
                mine.Add(statementId);
            }
            return mine;
        }));

        var recorded = (await EventsOf(id)).Select(e => e.Data).OfType<StatementRecorded>().Select(e => e.StatementId);
        recorded.ShouldBe(written.SelectMany(w => w), ignoreOrder: true);
    }

    [Fact]
    public async Task four_clients_opening_the_same_new_agreement_at_once_open_it_once_and_all_hear_so()
    {
        for (var round = 0; round < 5; round++)
        {
            var id = NewAgreementId();
            var body = new { agreementId = id, title = "Opened by several tools at once", parties = new[] { "UKR", "FRA" } };

            var answers = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => _api.Send(HttpMethod.Post, "/api/agreements", body)));

            answers.Select(a => a.Status).Order().ShouldBe(
                [HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.Created], ignoreOrder: true);
            answers.Select(a => a.Body!["version"]!.GetValue<long>()).Distinct().ShouldBe([1L]);
            (await EventsOf(id)).Count.ShouldBe(1);
        }
    }

    [Fact]
    public async Task a_client_retrying_its_own_write_with_the_version_it_sent_hears_it_went_through()
    {
        var id = NewAgreementId();
        var opened = await _api.Open(id, AirDefence);
        var seen = $"\"{opened["version"]!.GetValue<long>()}\"";
        var statement = Api.Statement(AirDefence, "announced");

        var first = await _api.Post($"/api/agreements/{id}/statements", statement, HttpStatusCode.Created, s => s.WithRequestHeader("If-Match", seen));
        var retry = await _api.Post($"/api/agreements/{id}/statements", statement, HttpStatusCode.OK, s => s.WithRequestHeader("If-Match", seen));

        retry["version"]!.GetValue<long>().ShouldBe(first["version"]!.GetValue<long>());
        (await EventsOf(id)).Count.ShouldBe(3);
    }

    [Fact]
    public async Task a_client_writing_from_a_stale_version_gets_a_conflict_with_the_current_version()
    {
        var id = NewAgreementId();
        var opened = await _api.Open(id, AirDefence);
        var seen = opened["version"]!.GetValue<long>();
        await _api.As(app.SecondAnalystToken).Record(id, Api.Statement(AirDefence, "announced"));

        var stale = await _api.Post($"/api/agreements/{id}/statements", Api.Statement(AirDefence, "signed"),
            HttpStatusCode.Conflict, s => s.WithRequestHeader("If-Match", $"\"{seen}\""));

        stale["currentVersion"]!.GetValue<long>().ShouldBe(seen + 1);
        (await EventsOf(id)).Count.ShouldBe(3);
        await _api.Post($"/api/agreements/{id}/statements", Api.Statement(AirDefence, "signed"),
            HttpStatusCode.Created, s => s.WithRequestHeader("If-Match", $"\"{seen + 1}\""));
    }

    [Fact]
    public async Task an_invalid_statement_is_rejected_field_by_field_and_nothing_is_appended()
    {
        var id = NewAgreementId();
        await _api.Open(id, AirDefence);
        var bad = new
        {
            saidOn = "2099-01-01",
            speaker = new { name = "Rustem Umerov" },
            quote = "",
            language = "de",
            source = new { outlet = "X", kind = "media-report", url = "ftp://x" },
            assertions = new[] { new { commitmentId = "submarines", stage = "ratified" } },
        };

        var problem = await _api.Record(id, bad, HttpStatusCode.BadRequest);

        var errors = problem["errors"]!.AsObject().Select(p => p.Key).ToList();
        errors.ShouldBe(["saidOn", "quote", "source.url", "assertions[0].stage"], ignoreOrder: true);
        (await EventsOf(id)).Count.ShouldBe(2);
    }

    [Fact]
    public async Task a_correction_changes_the_status_and_history_keeps_the_earlier_reading()
    {
        var id = NewAgreementId();
        await _api.Open(id, AirDefence);
        var statementId = Guid.NewGuid();
        await _api.Record(id, Api.Statement(AirDefence, "signed", id: statementId));
        var beforeCorrection = DateTimeOffset.UtcNow;
        await Task.Delay(20);

        await _api.Post($"/api/agreements/{id}/statements/{statementId}/corrections", new
        {
            reason = "'prüfen' is to examine; nothing was signed",
            changes = new { assertions = new[] { new { commitmentId = AirDefence, stage = "under-examination" } } },
        });

        Api.Stage(await _api.Get($"/api/agreements/{id}/commitments/{AirDefence}")).ShouldBe("under-examination");
        Api.Stage(await _api.Get($"/api/agreements/{id}/commitments/{AirDefence}?knownAt={Uri.EscapeDataString(beforeCorrection.ToString("O"))}"))
            .ShouldBe("signed");
        var history = await _api.Get($"/api/agreements/{id}/commitments/{AirDefence}/history");
        var correction = history["entries"]![0]!["statement"]!["corrections"]![0]!;
        correction["earlierReading"]!["assertions"]![0]!["stage"]!.ToString().ShouldBe("signed");
        correction["correctedReading"]!["assertions"]![0]!["stage"]!.ToString().ShouldBe("under-examination");
        correction["recorded"]!["by"]!.ToString().ShouldBe(TrackerApp.Analyst);
        correction["reason"]!.ToString().ShouldBe("'prüfen' is to examine; nothing was signed");
    }

    [Fact]
    public async Task a_retracted_statement_leaves_the_status_but_stays_in_history_marked_retracted()
    {
        var id = NewAgreementId();
        await _api.Open(id, AirDefence);
        await _api.Record(id, Api.Statement(AirDefence, "under-examination", saidOn: "2025-06-05"));
        var rumour = Guid.NewGuid();
        await _api.Record(id, Api.Statement(AirDefence, "signed", saidOn: "2025-06-10", id: rumour));

        await _api.Post($"/api/agreements/{id}/statements/{rumour}/retraction", new { reason = "the outlet withdrew the report" });

        Api.Stage(await _api.Get($"/api/agreements/{id}/commitments/{AirDefence}")).ShouldBe("under-examination");
        var history = await _api.Get($"/api/agreements/{id}/commitments/{AirDefence}/history");
        var retracted = history["entries"]!.AsArray().Select(e => e!["statement"]).Single(s => s?["statementId"]?.ToString() == rumour.ToString())!;
        retracted["retracted"]!.GetValue<bool>().ShouldBeTrue();
        retracted["retraction"]!["reason"]!.ToString().ShouldBe("the outlet withdrew the report");
    }

    [Fact]
    public async Task a_backdated_statement_counts_as_of_its_date_for_what_we_know_now_but_not_for_what_we_knew_then()
    {
        var id = NewAgreementId();
        await _api.Open(id, AirDefence);
        await _api.Record(id, Api.Statement(AirDefence, "announced", saidOn: "2025-06-20"));
        await Task.Delay(20);
        var beforeBackdating = DateTimeOffset.UtcNow;
        await Task.Delay(20);
        // Found later: said on June 5, recorded now.
        await _api.Record(id, Api.Statement(AirDefence, "under-examination", saidOn: "2025-06-05"));

        async Task<string> StageAt(string? asOf, DateTimeOffset? knownAt)
        {
            var query = new List<string>();
            if (asOf is not null) query.Add("asOf=" + asOf);
            if (knownAt is not null) query.Add("knownAt=" + Uri.EscapeDataString(knownAt.Value.ToString("O")));
            return Api.Stage(await _api.Get($"/api/agreements/{id}/commitments/{AirDefence}?{string.Join('&', query)}"));
        }

        (await StageAt("2025-06-10", null)).ShouldBe("under-examination");        // as of June 10, known now
        (await StageAt("2025-06-10", beforeBackdating)).ShouldBe("none");         // as of June 10, as we knew it then
        (await StageAt(null, beforeBackdating)).ShouldBe("announced");
        (await StageAt(null, null)).ShouldBe("announced");
        (await StageAt("2025-06-30", null)).ShouldBe("announced");
        var history = await _api.Get($"/api/agreements/{id}/commitments/{AirDefence}/history");
        history["entries"]![0]!["saidOn"]!.ToString().ShouldBe("2025-06-05");
    }

    [Fact]
    public async Task the_stored_header_and_statements_equal_a_fresh_fold_of_the_events()
    {
        var id = NewAgreementId();
        await _api.Open(id, AirDefence);
        var statementId = Guid.NewGuid();
        await _api.Record(id, Api.Statement(AirDefence, "signed", id: statementId));
        await _api.Post($"/api/agreements/{id}/statements/{statementId}/corrections",
            new { reason = "misread", changes = new { place = "Paris" } });
        await _api.Post($"/api/agreements/{id}/statements/{statementId}/retraction", new { reason = "hoax" });

        await using var session = app.Store.QuerySession();
        var stored = await Tracker.Agreements.Storage.AgreementReads.LoadAsync(session, id, null);
        var folded = Agreement.Fold(await session.Events.FetchStreamAsync(id));

        System.Text.Json.JsonSerializer.Serialize(stored).ShouldBe(System.Text.Json.JsonSerializer.Serialize(folded));
        stored!.Statements.ShouldHaveSingleItem().Corrections.ShouldHaveSingleItem();
        stored!.Title.ShouldBe("Ukraine–France defence-industrial cooperation");
        stored.Parties.ShouldBe(["UKR", "FRA"]);
        stored.Opened.By.ShouldBe(TrackerApp.Analyst);
        stored.Version.ShouldBe(5);
    }

    [Fact]
    public async Task an_agreement_unknown_at_the_instant_asked_is_not_found()
    {
        var before = DateTimeOffset.UtcNow.AddSeconds(-5);
        var id = NewAgreementId();
        await _api.Open(id, AirDefence);

        var (status, body, _) = await _api.Send(HttpMethod.Get, $"/api/agreements/{id}?knownAt={Uri.EscapeDataString(before.ToString("O"))}");

        status.ShouldBe(HttpStatusCode.NotFound);
        body!["detail"]!.ToString().ShouldContain("was not known at");
    }
}
