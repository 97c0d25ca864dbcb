using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Tracker.Agreements.Storage;
using Tracker.Import;
using Tracker.Tests.Support;
using Tracker.Kernel;

namespace Tracker.Tests.Stories;

/// <summary>
/// Races and mistakes on the write path end with a clear answer for each client and a log holding exactly what was
/// decided: no lost statement, no silent overwrite, and no failed append (whose trace is a tombstone event).
/// </summary>
[Collection(AppCollection.Name)]
public class WritePathStories(TrackerApp app)
{
    private readonly Support.Api _api = new(app);
    private const string Commitment = "air-defence-joint-production";
    private static string NewAgreementId() => "w-" + Guid.NewGuid().ToString("N")[..10];

    private async Task<long> TombstonesAsync()
    {
        await using var conn = new NpgsqlConnection(app.ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand($"select count(*) from tracker.mt_events where stream_id = '{Tombstones.StreamKey}'", conn);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task thirty_races_of_eight_identical_openings_open_each_agreement_once_and_fail_no_append()
    {
        var before = await TombstonesAsync();
        for (var race = 0; race < 30; race++)
        {
            var id = NewAgreementId();
            var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => _api.Send(HttpMethod.Post, "/api/agreements",
                new { agreementId = id, title = "Raced", parties = new[] { "UKR", "FRA" } })));
            answers.Count(a => a.Status == HttpStatusCode.Created).ShouldBe(1, $"race {race}");
            answers.Count(a => a.Status == HttpStatusCode.OK).ShouldBe(7, $"race {race}");
        }
        (await TombstonesAsync()).ShouldBe(before);
    }

    [Fact]
    public async Task six_writes_from_the_same_version_at_once_one_lands_the_others_hear_the_current_version_and_none_fails_an_append()
    {
        var before = await TombstonesAsync();
        for (var race = 0; race < 10; race++)
        {
            var id = NewAgreementId();
            var version = (await _api.Open(id, Commitment))["version"]!.GetValue<long>();
            var answers = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => _api.Send(HttpMethod.Post, $"/api/agreements/{id}/statements",
                Support.Api.Statement(Commitment, "announced", quote: $"Statement {i}"),
                s => s.WithRequestHeader("If-Match", $"\"{version}\""))));
            answers.Count(a => a.Status == HttpStatusCode.Created).ShouldBe(1, $"race {race}");
            answers.Where(a => a.Status != HttpStatusCode.Created).ShouldAllBe(a => a.Status == HttpStatusCode.Conflict);
            answers.Where(a => a.Status == HttpStatusCode.Conflict)
                .ShouldAllBe(a => a.Body!["currentVersion"]!.GetValue<long>() == version + 1);
        }
        (await TombstonesAsync()).ShouldBe(before);
    }

    [Fact]
    public async Task a_statement_sent_twice_with_a_misspelt_id_field_is_refused_both_times_naming_the_field()
    {
        var id = NewAgreementId();
        await _api.Open(id, Commitment);
        var body = System.Text.Json.JsonSerializer.SerializeToNode(Support.Api.Statement(Commitment, "raised"))!.AsObject();
        body["id"] = body["statementId"]!.DeepClone();
        body.Remove("statementId");

        for (var i = 0; i < 2; i++)
        {
            var (status, problem, _) = await _api.Send(HttpMethod.Post, $"/api/agreements/{id}/statements", body.ToJsonString());
            status.ShouldBe(HttpStatusCode.BadRequest);
            problem!["errors"]!["id"]![0]!.ToString().ShouldContain("not a field");
        }
        (await _api.Get($"/api/agreements/{id}/statements")).AsArray().ShouldBeEmpty();
    }

    [Fact]
    public async Task a_field_given_twice_is_refused_rather_than_one_of_them_silently_winning()
    {
        var id = NewAgreementId();
        var (status, problem, _) = await _api.Send(HttpMethod.Post, "/api/agreements",
            $$"""{"agreementId":"{{id}}","title":"First","title":"Second","parties":["UKR","FRA"]}""");
        status.ShouldBe(HttpStatusCode.BadRequest);
        problem!["errors"]!["title"]![0]!.ToString().ShouldContain("more than once");
        (await _api.Send(HttpMethod.Get, $"/api/agreements/{id}")).Status.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task a_commitment_added_by_a_later_import_to_an_agreement_an_earlier_import_opened_is_stored_once()
    {
        var id = NewAgreementId();
        var dir = Directory.CreateTempSubdirectory("tracker-import-").FullName;
        var first = Path.Combine(dir, "first.jsonl");
        var second = Path.Combine(dir, "second.jsonl");
        await File.WriteAllLinesAsync(first,
        [
            $$"""{"type":"open-agreement","agreementId":"{{id}}","title":"Imported","parties":["UKR","FRA"]}""",
            $$"""{"type":"add-commitment","agreementId":"{{id}}","commitmentId":"c1","title":"One","category":"drones"}""",
        ]);
        await File.WriteAllLinesAsync(second,
        [
            $$"""{"type":"add-commitment","agreementId":"{{id}}","commitmentId":"c2","title":"Two","category":"drones"}""",
        ]);
        var importer = app.Host.Services.GetRequiredService<Importer>();

        (await importer.ImportAsync([first], new Author("ana.analyst"))).Succeeded.ShouldBeTrue();
        var result = await importer.ImportAsync([second], new Author("ana.analyst"));

        result.Succeeded.ShouldBeTrue();
        result.Appended.ShouldBe(1);
        var commitments = (await _api.Get($"/api/agreements/{id}"))["commitments"]!.AsArray();
        commitments.Select(c => c!["commitmentId"]!.ToString()).ShouldBe(["c1", "c2"]);
        Directory.Delete(dir, recursive: true);
    }

    [Fact]
    public async Task an_import_line_naming_an_agreement_id_the_database_cannot_hold_is_an_error_on_that_line()
    {
        var file = Path.Combine(Directory.CreateTempSubdirectory("tracker-import-").FullName, "nul.jsonl");
        await File.WriteAllLinesAsync(file,
        [
            """{"type":"open-agreement","agreementId":"fine-one","title":"Fine","parties":["UKR","FRA"]}""",
            """{"type":"add-commitment","agreementId":"bad\u0000id","commitmentId":"c1","title":"One","category":"drones"}""",
        ]);

        var result = await app.Host.Services.GetRequiredService<Importer>().ImportAsync([file], new Author("ana.analyst"));

        result.Errors.ShouldHaveSingleItem().ToString().ShouldStartWith("nul.jsonl:2:agreementId: ");
        (await _api.Send(HttpMethod.Get, "/api/agreements/fine-one")).Status.ShouldBe(HttpStatusCode.NotFound);
        Directory.Delete(Path.GetDirectoryName(file)!, recursive: true);
    }

    [Fact]
    public async Task an_import_with_one_bad_line_at_its_end_leaves_nothing_of_the_lines_before_it()
    {
        var id = NewAgreementId();
        var file = Path.Combine(Directory.CreateTempSubdirectory("tracker-import-").FullName, "long.jsonl");
        var lines = new List<string>
        {
            $$"""{"type":"open-agreement","agreementId":"{{id}}","title":"Imported","parties":["UKR","FRA"]}""",
            $$"""{"type":"add-commitment","agreementId":"{{id}}","commitmentId":"c1","title":"One","category":"drones"}""",
        };
        for (var i = 0; i < 2_500; i++) // several batches, each written before the bad line is read
            lines.Add($$"""{"type":"record-statement","agreementId":"{{id}}","saidOn":"2025-06-05","speaker":{"name":"S"},"quote":"Q {{i}}","language":"de","source":{"outlet":"O","kind":"media-report"},"assertions":[{"commitmentId":"c1","stage":"raised"}]}""");
        lines.Add($$"""{"type":"record-statement","agreementId":"{{id}}","saidOn":"2025-06-05","speaker":{"name":"S"},"quote":"Q","language":"de","source":{"outlet":"O","kind":"media-report"},"assertions":[{"commitmentId":"c1","stage":"raised"}],"quote":"again"}""");
        await File.WriteAllLinesAsync(file, lines);

        var result = await app.Host.Services.GetRequiredService<Importer>().ImportAsync([file], new Author("ana.analyst"));

        result.Errors.ShouldHaveSingleItem().ToString().ShouldBe($"long.jsonl:{lines.Count}:quote: is given more than once; give each field once");
        (await _api.Send(HttpMethod.Get, $"/api/agreements/{id}")).Status.ShouldBe(HttpStatusCode.NotFound);
        Directory.Delete(Path.GetDirectoryName(file)!, recursive: true);
    }

    [Fact]
    public async Task statements_recorded_corrected_and_retracted_read_back_the_same_after_their_entries_are_rebuilt_from_the_events()
    {
        // A write reads the statement and the commitments it speaks of once, ahead of its append (ReadAhead); the
        // entries and statuses it leaves must be what the events alone give.
        var id = NewAgreementId();
        await _api.Open(id, Commitment);
        var (first, second, third) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        await _api.Record(id, Support.Api.Statement(Commitment, "announced", id: first));
        await _api.Post($"/api/agreements/{id}/statements", new
        {
            statementId = second, saidOn = "2025-07-01", speaker = new { name = "Denys Shmyhal", actor = "UKR" },
            quote = "Wir haben einen Vertrag unterzeichnet.", language = "de",
            source = new { outlet = "Example Outlet", kind = "media-report" },
            assertions = new object[] { new { commitmentId = Commitment, stage = "signed" }, new { commitmentId = "servicing-hub", stage = "announced" } },
            newCommitments = new[] { new { commitmentId = "servicing-hub", title = "A servicing hub", category = "air-defence", responsibleActors = new[] { "FRA" } } },
        });
        await _api.Record(id, Support.Api.Statement(Commitment, "under-examination", saidOn: "2025-08-01", id: third));
        await _api.Record(id, Support.Api.Statement(Commitment, "under-examination", saidOn: "2025-08-01", id: third), HttpStatusCode.OK);
        await _api.Post($"/api/agreements/{id}/statements/{first}/corrections", new
        {
            reason = "misheard", changes = new { assertions = new[] { new { commitmentId = Commitment, stage = "raised" } } },
        });
        await _api.Post($"/api/agreements/{id}/statements/{second}/retraction", new { reason = "never said" });

        async Task<string> Read() =>
            (await _api.Get($"/api/agreements/{id}")).ToJsonString() + (await EntriesAsync(id)) +
            (await _api.Get($"/api/agreements/{id}/commitments/{Commitment}")).ToJsonString() +
            (await _api.Get($"/api/agreements/{id}/commitments/servicing-hub")).ToJsonString();
        var live = await Read();
        live.ShouldContain("never said");
        live.ShouldContain("misheard");

        using (var daemon = await app.Store.BuildProjectionDaemonAsync())
            await daemon.RebuildProjectionAsync(StatementEntryProjection.ProjectionName, TimeSpan.FromMinutes(2), CancellationToken.None);
        (await Read()).ShouldBe(live);
    }

    private async Task<string> EntriesAsync(string agreementId)
    {
        await using var conn = new NpgsqlConnection(app.ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(
            "select string_agg(data::text, E'\\n' order by id) from tracker.mt_doc_statemententry where data ->> 'agreementId' = $1", conn)
            { Parameters = { new() { Value = agreementId } } };
        return (string)(await cmd.ExecuteScalarAsync())!;
    }
}
