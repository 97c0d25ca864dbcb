using Npgsql;
using Tracker.Tests.Support;

namespace Tracker.Tests.Registry;

/// <summary>The registry's tables are a projection like any other: rebuilt from the events, they are what was kept live.</summary>
public class RegistryRebuildTests
{
    private static Task<TrackerProcess.Result> Tracker(string database, params string[] args) =>
        TrackerProcess.RunAsync(new Dictionary<string, string?> { ["TRACKER_DB"] = database }, args);

    [Fact]
    public async Task rebuilding_the_registry_gives_exactly_the_live_tables_names_aliases_and_their_record_times_included()
    {
        var database = await TestCluster.NewDatabaseAsync("registry_rebuild");
        var file = Path.Combine(Path.GetTempPath(), $"registry-{Guid.NewGuid():N}.jsonl");
        await File.WriteAllLinesAsync(file,
        [
            """{"type":"register-actor","actorId":"RENAULT","kind":"company","name":"Renault","country":"FRA","aliases":["Groupe Renault","Рено"]}""",
            """{"type":"rename-actor","actorId":"RENAULT","name":"Renault Group","reason":"the group's own name"}""",
            """{"type":"add-actor-alias","actorId":"EU","alias":"EUROPEAN UNION (EU)"}""",
            """{"type":"remove-actor-alias","actorId":"RENAULT","alias":"Рено","reason":"not used in sources"}""",
            """{"type":"register-actor","actorId":"RNO","kind":"company","name":"Renault (ticker)"}""",
            """{"type":"merge-actor","actorId":"RNO","intoActorId":"RENAULT","reason":"the same company"}""",
            """{"type":"register-person","name":"Rustem Umerov","aliases":["Рустем Умєров"],"roles":[{"role":"Minister of Defence","actor":"UKR","from":"2023-09-06","to":"2025-07-17"}]}""",
            """{"type":"add-person-alias","personId":"rustem-umerov","alias":"Oumerov"}""",
            """{"type":"add-person-role","personId":"rustem-umerov","role":"Secretary of the National Security and Defence Council","actor":"UKR","from":"2025-07-18"}""",
        ]);
        var imported = await Tracker(database, "import", file);
        imported.ExitCode.ShouldBe(0, imported.ToString());
        var live = await TablesAsync(database);
        live.ShouldContain("(RNO|company|\"Renault (ticker)\"");
        live.ShouldContain("RENAULT|alias|Рено|рено");

        var rebuilt = await Tracker(database, "projections", "rebuild", "-p", "Registry");
        rebuilt.ExitCode.ShouldBe(0, rebuilt.ToString());
        (await TablesAsync(database)).ShouldBe(live);
    }

    private static async Task<string> TablesAsync(string database)
    {
        await using var conn = new NpgsqlConnection(database);
        await conn.OpenAsync();
        var text = new System.Text.StringBuilder();
        foreach (var table in global::Tracker.Registry.RegistryProjection.Tables)
        {
            await using var cmd = new NpgsqlCommand($"select t::text from {table} t order by 1", conn);
            await using var reader = await cmd.ExecuteReaderAsync();
            text.AppendLine(table);
            while (await reader.ReadAsync()) text.AppendLine(reader.GetString(0).Replace(',', '|'));
        }
        return text.ToString();
    }
}
