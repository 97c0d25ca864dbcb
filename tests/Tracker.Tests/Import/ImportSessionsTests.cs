using Npgsql;
using Tracker.Import;
using Tracker.Tests.Portfolio;
using Tracker.Tests.Support;

namespace Tracker.Tests.Import;

/// <summary>
/// Issue 20: the importer appends a batch's events a few hundred at a time, each part in a Marten session of its own
/// inside the import's one transaction. What it leaves is what the events say (the portfolio it kept inline equals a
/// fold of the events alone, the chain verifies), and a line refused late in a large file leaves nothing at all.
/// </summary>
public sealed class ImportSessionsTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("tracker-import-sessions-").FullName;

    private static Dictionary<string, string?> Environment(string database) =>
        new() { ["TRACKER_DB"] = database, ["ASPNETCORE_ENVIRONMENT"] = "Production" };

    /// <summary>
    /// Agreements of two commitments each with statements on both, some backdated, some about both; then (in the same
    /// batch, other sessions) corrections and retractions of statements recorded earlier in the file.
    /// </summary>
    private static List<string> Lines(int agreements, int statementsEach)
    {
        var random = new Random(20);
        var lines = new List<string>();
        var recorded = new List<(string Agreement, Guid Statement)>();
        for (var a = 0; a < agreements; a++)
        {
            var id = $"sessions-{a}";
            lines.Add($$"""{"type":"open-agreement","agreementId":"{{id}}","title":"Agreement {{a}}","parties":["UKR","FRA"]}""");
            lines.Add($$"""{"type":"add-commitment","agreementId":"{{id}}","commitmentId":"c1","title":"One","category":"drones"}""");
            lines.Add($$"""{"type":"add-commitment","agreementId":"{{id}}","commitmentId":"c2","title":"Two","category":"air-defence"}""");
        }
        string[] stages = ["raised", "announced", "signed", "binding", "in-effect"];
        for (var i = 0; i < agreements * statementsEach; i++)
        {
            var agreement = $"sessions-{random.Next(agreements)}";
            var statement = Guid.NewGuid();
            recorded.Add((agreement, statement));
            // Mostly in order; one in five said before the latest (backdated).
            var saidOn = new DateOnly(2025, 1, 1).AddDays(random.Next(5) == 0 ? random.Next(100) : 100 + i / agreements);
            var assertions = random.Next(4) switch
            {
                0 => $$"""[{"commitmentId":"c1","stage":"{{stages[random.Next(stages.Length)]}}"},{"commitmentId":"c2","stage":"{{stages[random.Next(stages.Length)]}}"}]""",
                1 => $$"""[{"commitmentId":"c2","stage":"{{stages[random.Next(stages.Length)]}}"}]""",
                _ => $$"""[{"commitmentId":"c1","stage":"{{stages[random.Next(stages.Length)]}}"}]""",
            };
            lines.Add($$"""{"type":"record-statement","agreementId":"{{agreement}}","statementId":"{{statement}}","saidOn":"{{saidOn:yyyy-MM-dd}}","speaker":{"name":"S {{i % 7}}"},"quote":"Q {{i}}","language":"de","source":{"outlet":"O","kind":"media-report"},"assertions":{{assertions}}}""");
        }
        for (var i = 3; i < recorded.Count; i += 29)
            lines.Add($$$"""{"type":"correct-statement","agreementId":"{{{recorded[i].Agreement}}}","statementId":"{{{recorded[i].Statement}}}","correctionId":"{{{Guid.NewGuid()}}}","reason":"misread","changes":{"saidOn":"2025-02-0{{{1 + i % 9}}}"}}""");
        foreach (var (agreement, statement) in recorded.Where((_, i) => i % 31 == 5))
            lines.Add($$"""{"type":"retract-statement","agreementId":"{{agreement}}","statementId":"{{statement}}","reason":"misattributed"}""");
        return lines;
    }

    [Fact]
    public async Task an_import_in_many_sessions_keeps_the_portfolio_a_fold_of_its_events_gives_and_a_chain_that_verifies()
    {
        var database = await TestCluster.NewDatabaseAsync("import_sessions");
        var lines = Lines(agreements: 40, statementsEach: 40);
        var file = Path.Combine(_folder, "many.jsonl");
        await File.WriteAllLinesAsync(file, lines);

        var import = await TrackerProcess.RunAsync(Environment(database), "import", file);

        import.ExitCode.ShouldBe(0, import.ToString());
        var events = await ScalarAsync(database, "select count(*) from tracker.mt_events");
        events.ShouldBe(lines.Count, "one event a line");
        events.ShouldBeGreaterThan(3 * 500, "several sessions' worth of events");
        var statements = await ScalarAsync(database, "select count(*) from tracker.mt_events where type = 'statement_recorded'");
        (await ScalarAsync(database, "select count(*) from tracker.mt_doc_statemententry")).ShouldBe(statements);
        (await ScalarAsync(database, "select count(*) from tracker.statement_search")).ShouldBe(statements);
        (await ScalarAsync(database, "select count(*) from tracker.statement_search where retracted")).ShouldBe(
            await ScalarAsync(database, "select count(*) from tracker.mt_events where type = 'statement_retracted'"));
        (await ScalarAsync(database, "select count(*) from tracker.event_chain")).ShouldBe(events);

        // What the import kept inline, session after session, is what folding its events alone gives.
        var live = await BlueGreenRebuildTests.DumpAsync(database);
        var rebuild = await TrackerProcess.RunAsync(Environment(database), "portfolio", "rebuild");
        rebuild.ExitCode.ShouldBe(0, rebuild.ToString());
        (await BlueGreenRebuildTests.DumpAsync(database)).ShouldBe(live);

        var verify = await TrackerProcess.RunAsync(Environment(database), "verify");
        verify.ExitCode.ShouldBe(0, verify.ToString());

        // Imported again: every line already present, nothing appended.
        var again = await TrackerProcess.RunAsync(Environment(database), "import", file);
        again.ExitCode.ShouldBe(0, again.ToString());
        again.Output.ShouldContain($"appended 0 events, {lines.Count:N0} already present");
        (await ScalarAsync(database, "select count(*) from tracker.mt_events")).ShouldBe(events);
    }

    [Fact]
    public async Task a_line_refused_after_a_full_batch_and_many_sessions_leaves_nothing_and_names_its_line()
    {
        var database = await TestCluster.NewDatabaseAsync("import_late_refusal");
        var lines = Lines(agreements: 20, statementsEach: Importer.BatchSize / 20 + 20);
        // Late in the second batch, after the first batch's sessions have all been written: a commitment no agreement has.
        var late = lines.Count - 3;
        lines.Insert(late, """{"type":"record-statement","agreementId":"sessions-1","saidOn":"2025-06-05","speaker":{"name":"S"},"quote":"Late","language":"de","source":{"outlet":"O","kind":"media-report"},"assertions":[{"commitmentId":"nowhere","stage":"raised"}]}""");
        var file = Path.Combine(_folder, "late.jsonl");
        await File.WriteAllLinesAsync(file, lines);
        (await TrackerProcess.RunAsync(Environment(database), "migrate")).ExitCode.ShouldBe(0);

        var import = await TrackerProcess.RunAsync(Environment(database), "import", file);

        import.ExitCode.ShouldNotBe(0, import.ToString());
        (import.Output + import.Error).ShouldContain($"late.jsonl:{late + 1}:assertions[0].commitmentId");
        foreach (var table in new[] { "mt_events", "mt_streams", "event_chain", "mt_doc_agreementheader", "mt_doc_statemententry",
                     "statement_search", "portfolio_status", "portfolio_agreements", "mt_doc_commitmentfile", "change_log" })
            (await ScalarAsync(database, $"select count(*) from tracker.{table}")).ShouldBe(0, table);
    }

    private static async Task<long> ScalarAsync(string database, string sql)
    {
        await using var conn = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(database) { Pooling = false }.ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    public void Dispose()
    {
        try { Directory.Delete(_folder, recursive: true); }
        catch (DirectoryNotFoundException) { }
    }
}
