using System.Net;
using Tracker.Tests.Support;

namespace Tracker.Tests.Registry;

/// <summary>One person under four spellings, and the role they held on the day they spoke.</summary>
[Collection(AppCollection.Name)]
public class PeopleRegistryStories(TrackerApp app)
{
    private readonly Api _api = new(app);

    [Fact]
    public async Task three_spellings_are_one_persons_statements_once_the_aliases_exist_and_the_role_comes_from_the_date()
    {
        var tag = Guid.NewGuid().ToString("N")[..6];
        var agreement = "umerov-" + tag;
        await _api.Open(agreement, "air-defence");
        // Recorded before the person exists: the names are kept as written.
        foreach (var (name, saidOn) in new[] { ($"Rustem Umerov {tag}", "2025-06-05"), ($"Rustem Umerow {tag}", "2025-06-20"), ($"Рустем Умєров {tag}", "2025-08-01") })
            await _api.Record(agreement, Api.Statement("air-defence", "raised", saidOn: saidOn, speaker: name) is var s
                ? WithoutRole(s) : null!);

        var person = await _api.Post("/api/people", new
        {
            name = $"Rustem Umerov {tag}",
            aliases = new[] { $"Rustem Umerow {tag}", $"Рустем Умєров {tag}" },
            roles = new object[]
            {
                new { role = "Minister of Defence", actor = "UKR", from = "2023-09-06", to = "2025-07-17" },
                new { role = "Secretary of the National Security and Defence Council", actor = "UKR", from = "2025-07-18" },
            },
        });
        var id = person["personId"]!.GetValue<string>();

        var found = await _api.Get($"/api/people?q={Uri.EscapeDataString("умєров " + tag)}");
        found["items"]!.AsArray().Select(p => p!["personId"]!.GetValue<string>()).ShouldBe([id]);
        var page = await _api.Get($"/api/people/{id}");
        var statements = page["statements"]!["items"]!.AsArray();
        statements.Count.ShouldBe(3);
        statements.Single(s => s!["saidOn"]!.GetValue<string>() == "2025-08-01")!["roleOnDate"]!.GetValue<string>()
            .ShouldBe("Secretary of the National Security and Defence Council");
        statements.Single(s => s!["saidOn"]!.GetValue<string>() == "2025-06-05")!["roleOnDate"]!.GetValue<string>().ShouldBe("Minister of Defence");

        // "Everything Umerov said": the report's speaker filter finds him under every spelling.
        var cyrillicOnly = "cyr-" + tag;
        await _api.Open(cyrillicOnly, "drones");
        await _api.Record(cyrillicOnly, WithoutRole(Api.Statement("drones", "raised", speaker: $"Рустем Умєров {tag}")));
        var report = await _api.Get($"/api/reports/status?speaker={Uri.EscapeDataString($"rustem umerov {tag}")}");
        report["rows"]!.AsArray().Select(r => r!["agreementId"]!.GetValue<string>()).ShouldContain(cyrillicOnly);

        // Reports name him as the registry does, with the spelling the source used, and the role he held that day.
        var cited = await _api.Get($"/api/reports/status?agreement={cyrillicOnly}");
        cited["rows"]![0]!["statements"]![0]!["person"]!.GetValue<string>().ShouldBe($"Rustem Umerov {tag}");
        (await _api.Text($"/api/reports/status?agreement={cyrillicOnly}&format=html"))
            .ShouldContain($"Rustem Umerov {tag} [as “Рустем Умєров {tag}”] (Minister of Defence, per the registry, UKR)");
    }

    private static object WithoutRole(object statement)
    {
        var node = System.Text.Json.JsonSerializer.SerializeToNode(statement)!;
        node["speaker"]!.AsObject().Remove("role");
        return node;
    }

    [Fact]
    public async Task a_role_that_ends_before_it_begins_and_an_alias_of_another_person_are_refused()
    {
        var tag = Guid.NewGuid().ToString("N")[..6];
        var (status, problem, _) = await _api.Send(HttpMethod.Post, "/api/people", new
        {
            name = "Sébastien Lecornu " + tag, roles = new[] { new { role = "Minister of the Armed Forces", actor = "FRA", from = "2022-05-20", to = "2021-01-01" } },
        });
        status.ShouldBe(HttpStatusCode.BadRequest);
        problem!["errors"]!["roles[0].to"].ShouldNotBeNull();

        await _api.Post("/api/people", new { name = "Andrii Yermak " + tag });
        (status, problem, _) = await _api.Send(HttpMethod.Post, "/api/people", new { name = "Someone Else " + tag, aliases = new[] { "ANDRII YERMAK " + tag } });
        status.ShouldBe(HttpStatusCode.BadRequest);
        problem!["errors"]!["aliases[0]"]![0]!.GetValue<string>().ShouldContain("already a name or alias");
    }

    [Fact]
    public async Task a_statement_links_its_speaker_by_person_id_and_an_unknown_id_is_refused()
    {
        var tag = Guid.NewGuid().ToString("N")[..6];
        var id = (await _api.Post("/api/people", new { name = "Denys Shmyhal " + tag }))["personId"]!.GetValue<string>();
        var agreement = "shmyhal-" + tag;
        await _api.Open(agreement, "munitions");
        var statement = System.Text.Json.JsonSerializer.SerializeToNode(Api.Statement("munitions", "raised", speaker: "D. Shmyhal"))!;
        statement["speaker"]!["personId"] = id;
        await _api.Record(agreement, statement);
        (await _api.Get($"/api/people/{id}"))["statements"]!["total"]!.GetValue<int>().ShouldBe(1);

        statement["statementId"] = Guid.NewGuid().ToString();
        statement["speaker"]!["personId"] = "nobody-" + tag;
        var (status, problem, _) = await _api.Send(HttpMethod.Post, $"/api/agreements/{agreement}/statements", statement);
        status.ShouldBe(HttpStatusCode.BadRequest);
        problem!["errors"]!["speaker.personId"].ShouldNotBeNull();
    }
}
