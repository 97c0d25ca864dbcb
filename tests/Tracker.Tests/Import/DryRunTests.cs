using Npgsql;
using Tracker.Import;
using Tracker.Tests.Support;

namespace Tracker.Tests.Import;

/// <summary>
/// An operator checks a large file with <c>import --dry-run</c> before importing it: every line is judged as the import
/// would judge it, across batches, and the store is left exactly as it was, down to the event sequence the async
/// daemon follows (numbers a dry run took would be a gap the daemon waits on).
/// </summary>
public class DryRunTests : IAsyncLifetime
{
    private readonly string _folder = Directory.CreateTempSubdirectory("tracker-dry-run-").FullName;
    private Dictionary<string, string?> _env = new();

    public async Task InitializeAsync()
    {
        _env = new() { ["TRACKER_DB"] = await TestCluster.NewDatabaseAsync("dry_run"), ["ASPNETCORE_ENVIRONMENT"] = "Production" };
        // A store with something in it already, so that the sequence stands somewhere other than its start.
        var seeded = await ImportAsync(Write("existing.jsonl", Opening("existing")));
        seeded.ExitCode.ShouldBe(0, seeded.ToString());
    }

    private static IEnumerable<string> Opening(string agreement) =>
    [
        $$"""{"type":"open-agreement","agreementId":"{{agreement}}","title":"Imported","parties":["UKR","FRA"]}""",
        $$"""{"type":"add-commitment","agreementId":"{{agreement}}","commitmentId":"c1","title":"One","category":"drones"}""",
    ];

    private static string Statement(string agreement, int i, string id) =>
        $$"""{"type":"record-statement","agreementId":"{{agreement}}","statementId":"{{id}}","saidOn":"2025-06-05","speaker":{"name":"S"},"quote":"Q {{i}}","language":"de","source":{"outlet":"O","kind":"media-report"},"assertions":[{"commitmentId":"c1","stage":"raised"}]}""";

    /// <summary>
    /// More than one batch: the agreement is opened in the first, and the last lines correct and retract a statement
    /// the first recorded, so a dry run has to carry what earlier batches would have written.
    /// </summary>
    private string LargeFile()
    {
        var first = Guid.NewGuid().ToString();
        var lines = Opening("large").ToList();
        for (var i = 0; i < Importer.BatchSize + 10; i++) lines.Add(Statement("large", i, i == 0 ? first : Guid.NewGuid().ToString()));
        lines.Add(Statement("large", 0, first)); // the same line again: already present, not appended twice
        lines.Add($$$"""{"type":"correct-statement","agreementId":"large","statementId":"{{{first}}}","correctionId":"{{{Guid.NewGuid()}}}","reason":"misread","changes":{"quote":"Q zero"}}""");
        lines.Add($$"""{"type":"retract-statement","agreementId":"large","statementId":"{{first}}","reason":"misattributed"}""");
        return Write("large.jsonl", lines);
    }

    [Fact]
    public async Task a_dry_run_judges_every_line_and_leaves_the_event_sequence_where_it_was()
    {
        var file = LargeFile();
        var before = await SequenceAsync();
        var events = await EventCountAsync();

        var dryRun = await ImportAsync(file, "--dry-run");

        dryRun.ExitCode.ShouldBe(0, dryRun.ToString());
        var expected = $"{Importer.BatchSize + 15:N0} lines: would append {Importer.BatchSize + 14:N0} events, 1 already present";
        dryRun.Output.ShouldContain(expected);
        (await SequenceAsync()).ShouldBe(before, "a dry run reserves no event sequence numbers");
        (await EventCountAsync()).ShouldBe(events);

        // What it said it would do is what the import then does.
        var import = await ImportAsync(file);
        import.ExitCode.ShouldBe(0, import.ToString());
        import.Output.ShouldContain(expected.Replace("would append", "appended"));
    }

    [Fact]
    public async Task a_dry_run_finds_a_line_that_is_wrong_only_after_what_an_earlier_batch_would_have_written()
    {
        var lines = Opening("late").ToList();
        for (var i = 0; i < Importer.BatchSize; i++) lines.Add(Statement("late", i, Guid.NewGuid().ToString()));
        lines.Add(Statement("late", 1, Guid.NewGuid().ToString()).Replace("\"c1\"", "\"c2\""));
        var before = await SequenceAsync();

        var dryRun = await ImportAsync(Write("late.jsonl", lines), "--dry-run");

        dryRun.ExitCode.ShouldBe(1, dryRun.ToString());
        dryRun.Error.ShouldContain($"late.jsonl:{Importer.BatchSize + 3}:assertions[0].commitmentId:");
        dryRun.Error.ShouldContain("1 error(s)");
        (await SequenceAsync()).ShouldBe(before);
    }

    [Fact]
    public async Task a_dry_run_applies_a_registry_line_for_the_lines_after_it_and_takes_numbers_for_that_alone()
    {
        var file = Write("registry.jsonl",
        [
            """{"type":"register-actor","actorId":"DRYCO","kind":"company","name":"Dry Run Defence Company","country":"FRA"}""",
            """{"type":"open-agreement","agreementId":"with-a-company","title":"Imported","parties":["UKR","DRYCO"]}""",
            """{"type":"add-commitment","agreementId":"with-a-company","commitmentId":"c1","title":"One","category":"drones"}""",
            .. Enumerable.Range(0, 20).Select(i => Statement("with-a-company", i, Guid.NewGuid().ToString()).Replace("\"name\":\"S\"", "\"name\":\"S\",\"actor\":\"DRYCO\"")),
        ]);
        var before = await SequenceAsync();

        var dryRun = await ImportAsync(file, "--dry-run");

        dryRun.ExitCode.ShouldBe(0, dryRun.ToString());
        dryRun.Output.ShouldContain("23 lines: would append 23 events, 0 already present");
        // The registry's tables are kept by its appends alone: its one event is applied, and rolled back, for real.
        (await SequenceAsync()).LastValue.ShouldBe(before.LastValue + 1);
        var import = await ImportAsync(file);
        import.ExitCode.ShouldBe(0, import.ToString());
        import.Output.ShouldContain("23 lines: appended 23 events, 0 already present");
    }

    private Task<TrackerProcess.Result> ImportAsync(string file, params string[] flags) =>
        TrackerProcess.RunAsync(_env, ["import", file, .. flags]);

    private string Write(string name, IEnumerable<string> lines)
    {
        var path = Path.Combine(_folder, name);
        File.WriteAllLines(path, lines);
        return path;
    }

    private async Task<(long LastValue, bool IsCalled)> SequenceAsync()
    {
        await using var conn = new NpgsqlConnection(_env["TRACKER_DB"]);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("select last_value, is_called from tracker.mt_events_sequence", conn);
        await using var reader = await cmd.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetInt64(0), reader.GetBoolean(1));
    }

    private async Task<long> EventCountAsync()
    {
        await using var conn = new NpgsqlConnection(_env["TRACKER_DB"]);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("select count(*) from tracker.mt_events", conn);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    public Task DisposeAsync()
    {
        Directory.Delete(_folder, recursive: true);
        return Task.CompletedTask;
    }
}
