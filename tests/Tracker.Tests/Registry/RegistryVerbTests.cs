using Tracker.Tests.Support;

namespace Tracker.Tests.Registry;

/// <summary>The registry from a terminal: the same writer, the same refusals, attributed to the user.</summary>
[Collection(AppCollection.Name)]
public class RegistryVerbTests(TrackerApp app)
{
    private readonly Api _api = new(app);

    private Task<TrackerProcess.Result> Tracker(params string[] args) =>
        TrackerProcess.RunAsync(new Dictionary<string, string?> { ["TRACKER_DB"] = app.ConnectionString }, args);

    [Fact]
    public async Task an_analyst_registers_a_company_and_a_person_from_the_terminal_and_finds_them()
    {
        var tag = Guid.NewGuid().ToString("N")[..6];
        var code = "RHM" + tag.ToUpperInvariant();
        var added = await Tracker("actors", "add", code, "--kind", "company", "--name", "Rheinmetall " + tag, "--country", "DEU",
            "--aliases", $"Rheinmetall AG {tag}|Райнметалл {tag}", "--user", "olena");
        added.ExitCode.ShouldBe(0, added.ToString());
        var alias = await Tracker("actors", "alias", code, "RHM-AG-" + tag);
        alias.ExitCode.ShouldBe(0, alias.ToString());
        var listed = await Tracker("actors", "list", "райнметалл " + tag);
        listed.ExitCode.ShouldBe(0, listed.ToString());
        listed.Output.ShouldContain(code);

        var person = await Tracker("people", "add", "Armin Papperger " + tag, "--aliases", "Армін Паппергер " + tag,
            "--role", $"Chief Executive@{code}:2013-01-01..");
        person.ExitCode.ShouldBe(0, person.ToString());
        var people = await Tracker("people", "list", "паппергер " + tag);
        people.Output.ShouldContain($"armin-papperger-{tag}");
        var page = await _api.Get($"/api/people/armin-papperger-{tag}");
        page["roles"]![0]!["actor"]!.GetValue<string>().ShouldBe(code);
        (await _api.Get($"/api/actors/{code}"))["registeredBy"]!.GetValue<string>().ShouldBe("olena");

        // The company speaks: recorded from the terminal under its alias, stored as its code, listed on its page.
        var agreement = "rhm-" + tag;
        await _api.Open(agreement, "shells");
        var recorded = await Tracker("record", "-a", agreement, "-d", "2025-06-08", "-n", "Rheinmetall spokesperson",
            "--actor", "RHM-AG-" + tag, "-q", "Production of shells in Ukraine begins this year.", "-l", "en",
            "-o", "Reuters", "-k", "media-report", "-c", "shells", "-s", "announced");
        recorded.ExitCode.ShouldBe(0, recorded.ToString());
        recorded.Error.ShouldContain($"stored as {code}");
        (await _api.Get($"/api/actors/{code}"))["statements"]!["items"]!.AsArray()
            .Select(s => s!["agreementId"]!.GetValue<string>()).ShouldContain(agreement);
    }

    [Fact]
    public async Task a_bad_registration_from_the_terminal_names_the_field_and_exits_non_zero()
    {
        var code = "BAD" + Guid.NewGuid().ToString("N")[..6].ToUpperInvariant();
        var refused = await Tracker("actors", "add", code, "--kind", "corporation", "--name", "Bad");
        refused.ExitCode.ShouldNotBe(0);
        refused.Error.ShouldContain("actors add: kind: 'corporation' is not one of");
        refused.Error.ShouldContain("nothing was written");
        var role = await Tracker("people", "add", "Someone", "--role", "Minister@UKR:2025-13-01..");
        role.ExitCode.ShouldNotBe(0);
        role.Error.ShouldContain("--role");
    }
}
