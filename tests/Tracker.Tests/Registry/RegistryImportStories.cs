using Microsoft.Extensions.DependencyInjection;
using Tracker.Export;
using Tracker.Import;
using Tracker.Kernel;
using Tracker.Tests.Support;

namespace Tracker.Tests.Registry;

/// <summary>A dataset brings its actor table with it: registry lines first, then the agreements that use them.</summary>
[Collection(AppCollection.Name)]
public class RegistryImportStories(TrackerApp app)
{
    private readonly Api _api = new(app);

    [Fact]
    public async Task a_dataset_registers_its_actors_and_people_then_uses_them_in_one_run_and_again_appends_nothing()
    {
        var tag = Guid.NewGuid().ToString("N")[..6];
        var company = "KNDS" + tag.ToUpperInvariant();
        var alias = "EUX" + tag.ToUpperInvariant();
        var agreement = "dataset-" + tag;
        var file = Path.Combine(Path.GetTempPath(), agreement + ".jsonl");
        await File.WriteAllLinesAsync(file,
        [
            $$"""{"type":"register-actor","actorId":"{{company}}","kind":"company","name":"KNDS {{tag}}","country":"FRA","aliases":["Krauss-Maffei Nexter {{tag}}"]}""",
            $$"""{"type":"add-actor-alias","actorId":"EU","alias":"{{alias}}"}""",
            $$"""{"type":"register-person","name":"Rustem Umerov {{tag}}","aliases":["Рустем Умєров {{tag}}"],"roles":[{"role":"Minister of Defence","actor":"UKR","from":"2023-09-06","to":"2025-07-17"}]}""",
            $$"""{"type":"add-person-role","personId":"rustem-umerov-{{tag}}","role":"Secretary of the National Security and Defence Council","actor":"UKR","from":"2025-07-18"}""",
            $$"""{"type":"open-agreement","agreementId":"{{agreement}}","title":"Tanks","parties":["UKR","{{alias}}","{{company}}"]}""",
            $$"""{"type":"add-commitment","agreementId":"{{agreement}}","commitmentId":"tanks","title":"Leopard tanks","category":"land-systems"}""",
            $$"""{"type":"record-statement","agreementId":"{{agreement}}","saidOn":"2025-08-01","speaker":{"name":"Рустем Умєров {{tag}}","actor":"UKR"},"quote":"Домовились.","language":"uk","source":{"outlet":"Ukrinform","kind":"media-report"},"assertions":[{"commitmentId":"tanks","stage":"announced"}]}""",
        ]);
        var importer = app.Host.Services.GetRequiredService<Importer>();
        var first = await importer.ImportAsync([file], new Author(TrackerApp.Analyst));
        first.Errors.ShouldBeEmpty();

        (await _api.Get($"/api/agreements/{agreement}"))["parties"]!.AsArray().Select(p => p!.GetValue<string>())
            .ShouldBe(["UKR", "EU", company]);
        var person = await _api.Get($"/api/people/rustem-umerov-{tag}");
        person["statements"]!["items"]![0]!["roleOnDate"]!.GetValue<string>().ShouldBe("Secretary of the National Security and Defence Council");

        var again = await importer.ImportAsync([file], new Author(TrackerApp.Analyst));
        again.Errors.ShouldBeEmpty();
        again.Appended.ShouldBe(0);

        var export = new StringWriter();
        await new Exporter(app.Store).ExportAsync(export);
        var lines = export.ToString().Split('\n');
        lines.ShouldContain(l => l.Contains("\"type\":\"register-actor\"") && l.Contains(company));
        lines.ShouldContain(l => l.Contains("\"type\":\"add-actor-alias\"") && l.Contains(alias));
        // EU was taken into the registry by the alias; that is not a registration to export.
        lines.ShouldNotContain(l => l.Contains("\"type\":\"register-actor\"") && l.Contains("\"actorId\":\"EU\""));
    }

    [Fact]
    public async Task a_bad_registry_line_fails_the_whole_import_naming_file_line_and_field()
    {
        var tag = Guid.NewGuid().ToString("N")[..6];
        var file = Path.Combine(Path.GetTempPath(), "bad-" + tag + ".jsonl");
        await File.WriteAllLinesAsync(file,
        [
            $$"""{"type":"register-actor","actorId":"OK{{tag.ToUpperInvariant()}}","kind":"company","name":"Fine"}""",
            $$"""{"type":"register-actor","actorId":"BAD{{tag.ToUpperInvariant()}}","kind":"corporation","name":"Bad"}""",
        ]);
        var result = await app.Host.Services.GetRequiredService<Importer>().ImportAsync([file], new Author(TrackerApp.Analyst));
        result.Errors.Select(e => e.ToString()).ShouldBe([$"{Path.GetFileName(file)}:2:kind: 'corporation' is not one of: state, former-state, organisation, company, armed-group, other"]);
        (await _api.Send(HttpMethod.Get, $"/api/actors/OK{tag.ToUpperInvariant()}")).Status.ShouldBe(System.Net.HttpStatusCode.NotFound);
    }
}
