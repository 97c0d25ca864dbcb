using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Tracker.Import;
using Tracker.Kernel;
using Tracker.Tests.Support;

namespace Tracker.Tests.Registry;

/// <summary>The world outside the closed list: companies speak, former states sign, aliases lead to their actor.</summary>
[Collection(AppCollection.Name)]
public class ActorRegistryStories(TrackerApp app)
{
    private readonly Api _api = new(app);

    private static string Unique(string prefix) => prefix + Guid.NewGuid().ToString("N")[..6].ToUpperInvariant();

    [Fact]
    public async Task a_company_registered_by_an_analyst_speaks_in_a_statement_and_its_page_lists_it()
    {
        // The real follow-up of the seed story: Renault's spokesperson on drones in Ukraine.
        var (status, _, _) = await _api.Send(HttpMethod.Post, "/api/actors", new
        {
            actorId = "RENAULT", kind = "company", name = "Renault Group", country = "FRA", aliases = new[] { "Renault", "Groupe Renault" },
        });
        status.ShouldBeOneOf(HttpStatusCode.Created, HttpStatusCode.OK);
        var agreement = "renault-" + Guid.NewGuid().ToString("N")[..8];
        await _api.Open(agreement, "drone-production");

        await _api.Record(agreement, Api.Statement("drone-production", "raised", actor: "RENAULT", speaker: "Renault spokesperson",
            quote: "No decision has been taken on producing drones in Ukraine."));

        var page = await _api.Get("/api/actors/RENAULT");
        page["actor"]!["kind"]!.GetValue<string>().ShouldBe("company");
        page["statements"]!["items"]!.AsArray().Select(s => s!["agreementId"]!.GetValue<string>()).ShouldContain(agreement);
        var report = await _api.Get($"/api/reports/status?agreement={agreement}&actor=renault");
        report["total"]!.GetValue<int>().ShouldBe(1);
    }

    [Fact]
    public async Task an_alias_given_as_a_party_is_stored_as_its_actor_and_the_answer_says_so()
    {
        var agreement = "eu-" + Guid.NewGuid().ToString("N")[..8];
        var opened = await _api.Post("/api/agreements", new { agreementId = agreement, title = "EU–Ukraine security commitments", parties = new[] { "UKR", "EUE" } });
        opened["notices"]![0]!.GetValue<string>().ShouldContain("stored as EU");
        (await _api.Get($"/api/agreements/{agreement}"))["parties"]!.AsArray().Select(p => p!.GetValue<string>()).ShouldBe(["UKR", "EU"]);
        // The filter takes the alias as well.
        (await _api.Get($"/api/reports/status?agreement={agreement}&party=EUU"))["filter"]!["party"]!.GetValue<string>().ShouldBe("EU");
    }

    [Fact]
    public async Task an_unknown_code_is_refused_with_the_closest_actors_by_name_or_alias()
    {
        var id = Unique("RHEIN");
        await _api.Post("/api/actors", new { actorId = id, kind = "company", name = "Rheinmetall " + id, aliases = new[] { "Rheinmetall AG " + id } });
        var (status, problem, _) = await _api.Send(HttpMethod.Post, "/api/agreements", new
        {
            agreementId = "rh-" + Guid.NewGuid().ToString("N")[..8], title = "Ammunition plant", parties = new[] { "UKR", id[..^1] },
        });
        status.ShouldBe(HttpStatusCode.BadRequest);
        problem!["errors"]!["parties[1]"]![0]!.GetValue<string>().ShouldContain($"closest: {id}");
    }

    [Fact]
    public async Task an_agreement_of_former_states_imports_in_one_run_and_reports_say_when_a_party_no_longer_existed()
    {
        var agreement = "warsaw-" + Guid.NewGuid().ToString("N")[..8];
        var file = Path.Combine(Path.GetTempPath(), agreement + ".jsonl");
        await File.WriteAllLinesAsync(file,
        [
            $$"""{"type":"open-agreement","agreementId":"{{agreement}}","title":"Helsinki Final Act","parties":["DDR","CSK","YUG","SUN","EUE","USA"]}""",
            $$"""{"type":"add-commitment","agreementId":"{{agreement}}","commitmentId":"confidence-building","title":"Prior notification of manoeuvres","category":"other"}""",
            $$"""{"type":"record-statement","agreementId":"{{agreement}}","saidOn":"1975-08-01","speaker":{"name":"Erich Honecker","actor":"DDR"},"quote":"Unterzeichnet.","language":"de","source":{"outlet":"Neues Deutschland","kind":"media-report"},"assertions":[{"commitmentId":"confidence-building","stage":"signed"}]}""",
        ]);
        var result = await app.Host.Services.GetRequiredService<Importer>().ImportAsync([file], new Author(TrackerApp.Analyst));
        result.Errors.ShouldBeEmpty();

        (await _api.Get($"/api/agreements/{agreement}"))["parties"]!.AsArray().Select(p => p!.GetValue<string>())
            .ShouldBe(["DDR", "CSK", "YUG", "SUN", "EU", "USA"]);
        var in1985 = await _api.Get($"/api/reports/status?agreement={agreement}&asOf=1985-01-01&party=DDR");
        in1985["total"]!.GetValue<int>().ShouldBe(1);
        in1985["rows"]![0]!["partiesNoLongerExisting"].ShouldBeNull();
        var in1995 = await _api.Get($"/api/reports/status?agreement={agreement}&asOf=1995-01-01");
        var gone = in1995["rows"]![0]!["partiesNoLongerExisting"]!.AsArray().Select(p => p!["actor"]!.GetValue<string>()).ToList();
        gone.ShouldBe(["DDR", "CSK", "SUN"]);
        (await _api.Text($"/api/reports/status?agreement={agreement}&asOf=1995-01-01&format=md"))
            .ShouldContain("DDR (German Democratic Republic) no longer existed after 1990-10-03");
        // The record is unchanged: the parties are still the six it was signed by.
        in1995["rows"]![0]!["parties"]!.AsArray().Count.ShouldBe(6);
    }

    [Fact]
    public async Task the_ussr_is_not_russia()
    {
        var (_, problem, _) = await _api.Send(HttpMethod.Post, "/api/agreements", new
        {
            agreementId = "ussr-" + Guid.NewGuid().ToString("N")[..8], title = "Belavezha Accords", parties = new[] { "USSR", "UKR", "BLR" },
        });
        problem!["errors"]!["parties[0]"]![0]!.GetValue<string>().ShouldContain("did you mean SUN (Union of Soviet Socialist Republics)?");
    }

    [Fact]
    public async Task an_alias_added_later_does_not_resolve_in_reports_known_before_it()
    {
        var id = Unique("KNDS");
        var alias = Unique("KX");
        await _api.Post("/api/actors", new { actorId = id, kind = "company", name = "KNDS " + id, country = "FRA" });
        var before = DateTimeOffset.UtcNow;
        await Task.Delay(20);
        await _api.Post($"/api/actors/{id}/aliases", new { alias });
        (await _api.Get($"/api/actors/{id}"))["actor"]!["aliases"]!.AsArray().Select(a => a!.GetValue<string>()).ShouldBe([alias]);
        (await _api.Get($"/api/actors?q={alias}"))["items"]!.AsArray().Select(a => a!["actorId"]!.GetValue<string>()).ShouldBe([id]);

        (await _api.Get($"/api/reports/status?party={alias}"))["filter"]!["party"]!.GetValue<string>().ShouldBe(id);
        var (status, problem, _) = await _api.Send(HttpMethod.Get,
            $"/api/reports/status?party={alias}&knownAt={Uri.EscapeDataString(before.ToString("O"))}");
        status.ShouldBe(HttpStatusCode.BadRequest);
        problem!["errors"]!["party"]![0]!.GetValue<string>().ShouldContain($"'{alias}' is not an actor code");
    }

    [Fact]
    public async Task a_rename_does_not_rewrite_a_report_known_before_it()
    {
        var id = Unique("NEXTER");
        await _api.Post("/api/actors", new { actorId = id, kind = "company", name = "Nexter Systems", country = "FRA" });
        var agreement = "nexter-" + Guid.NewGuid().ToString("N")[..8];
        await _api.Post("/api/agreements", new { agreementId = agreement, title = "Caesar howitzers", parties = new[] { "UKR", id } });
        await _api.Post($"/api/agreements/{agreement}/commitments", new { commitmentId = "caesar", title = "Caesar", category = "land-systems" });
        await Task.Delay(20);
        var before = Uri.EscapeDataString(DateTimeOffset.UtcNow.ToString("O"));
        await Task.Delay(20);
        await _api.Post($"/api/actors/{id}/rename", new { name = "KNDS France", reason = "renamed in 2024" });

        (await _api.Text($"/api/reports/status?agreement={agreement}&format=md")).ShouldContain($"parties: Ukraine (UKR), KNDS France ({id})");
        (await _api.Text($"/api/reports/status?agreement={agreement}&format=md&knownAt={before}"))
            .ShouldContain($"parties: Ukraine (UKR), Nexter Systems ({id})");
    }

    [Fact]
    public async Task registry_changes_are_attributed_and_in_the_chain()
    {
        var id = Unique("THALES");
        await _api.Post("/api/actors", new { actorId = id, kind = "company", name = "Thales", country = "FRA" });
        await _api.Post($"/api/actors/{id}/rename", new { name = "Thales Group", reason = "the group's own name" });
        var renamed = await _api.Get($"/api/actors/{id}");
        renamed["actor"]!["name"]!.GetValue<string>().ShouldBe("Thales Group");
        renamed["registeredBy"]!.GetValue<string>().ShouldBe(TrackerApp.Analyst);
        await using var conn = new Npgsql.NpgsqlConnection(app.ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new Npgsql.NpgsqlCommand(
            "select count(*) from tracker.mt_events e join tracker.event_chain c on c.seq_id = e.seq_id where e.stream_id = $1 and e.user_name = $2", conn)
            { Parameters = { new() { Value = "actor:" + id }, new() { Value = TrackerApp.Analyst } } };
        ((long)(await cmd.ExecuteScalarAsync())!).ShouldBe(2);
    }

    [Theory]
    [InlineData("""{"actorId":"ACME1","kind":"corporation","name":"Acme"}""", "kind")]
    [InlineData("""{"actorId":"ACME2","kind":"company","name":" "}""", "name")]
    [InlineData("""{"actorId":"acme","kind":"company","name":"Acme"}""", "actorId")]
    [InlineData("""{"actorId":"ACME3","kind":"company","name":"Acme","aliases":["EUE"]}""", "aliases[0]")]
    [InlineData("""{"actorId":"ACME4","kind":"company","name":"Acme","validFrom":"2020-01-01","validTo":"2019-01-01"}""", "validTo")]
    [InlineData("""{"actorId":"ACME5","kind":"company","name":"Acme","country":"XXX"}""", "country")]
    [InlineData("""{"actorId":"USSR","kind":"company","name":"A company called USSR"}""", "actorId")]
    public async Task bad_registrations_are_refused_naming_the_field_and_store_nothing(string body, string field)
    {
        var (status, problem, _) = await _api.Send(HttpMethod.Post, "/api/actors", body);
        status.ShouldBe(HttpStatusCode.BadRequest, problem?.ToJsonString());
        problem!["errors"]![field].ShouldNotBeNull(problem.ToJsonString());
        var id = System.Text.Json.Nodes.JsonNode.Parse(body)!["actorId"]!.GetValue<string>();
        (await _api.Send(HttpMethod.Get, $"/api/actors/{id}")).Status.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task an_actor_cannot_be_merged_into_itself_and_a_reader_cannot_register()
    {
        var id = Unique("BAYKAR");
        await _api.Post("/api/actors", new { actorId = id, kind = "company", name = "Baykar", country = "TUR" });
        var (status, problem, _) = await _api.Send(HttpMethod.Post, $"/api/actors/{id}/merge", new { intoActorId = id, reason = "same" });
        status.ShouldBe(HttpStatusCode.BadRequest);
        problem!["errors"]!["intoActorId"].ShouldNotBeNull();
        (await _api.As(app.ReaderToken).Send(HttpMethod.Post, "/api/actors", new { actorId = Unique("X"), kind = "other", name = "x" }))
            .Status.ShouldBe(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task the_registry_is_searched_by_code_name_and_alias_in_any_script()
    {
        var id = Unique("UKROBORON");
        await _api.Post("/api/actors", new { actorId = id, kind = "company", name = "Ukroboronprom " + id, country = "UKR", aliases = new[] { "Укроборонпром " + id } });
        var byCyrillic = await _api.Get($"/api/actors?q={Uri.EscapeDataString("укроборонпром " + id.ToLowerInvariant())}");
        byCyrillic["items"]!.AsArray().Select(a => a!["actorId"]!.GetValue<string>()).ShouldContain(id);
        var states = await _api.Get("/api/actors?q=germ&kind=former-state");
        states["items"]!.AsArray().Select(a => a!["actorId"]!.GetValue<string>()).ShouldContain("DDR");
    }
}
