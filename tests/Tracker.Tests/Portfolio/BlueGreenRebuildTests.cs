using System.Diagnostics;
using Alba;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Tracker.Portfolio;
using Tracker.Security;
using Tracker.Tests.Support;

namespace Tracker.Tests.Portfolio;

/// <summary>
/// Issue 20: 'portfolio rebuild' rebuilds the portfolio beside the live tables while a service serves on the same
/// database, and switches in one transaction; killed, it leaves the live tables as they were.
/// </summary>
public class BlueGreenRebuildTests
{
    private static async Task<(IAlbaHost Host, string Token, string Database)> ServeAsync(string name)
    {
        var database = await TestCluster.NewDatabaseAsync(name);
        var host = await TrackerApp.StartAsync(database, ("Tracker:RateLimit:PermitsPerMinute", "1000000"));
        var token = (await host.Services.GetRequiredService<UserAdministration>().AddAsync("eve", Roles.Analyst)).Token;
        return (host, token, database);
    }

    private static Dictionary<string, string?> Environment(string database) =>
        new() { ["TRACKER_DB"] = database, ["ASPNETCORE_ENVIRONMENT"] = "Production" };

    [Fact]
    public async Task a_rebuild_beside_a_serving_instance_gives_exactly_what_was_kept_live_and_writes_no_change_log()
    {
        var (host, token, database) = await ServeAsync("bluegreen");
        await using var _ = host;
        var random = new Random(11);
        var history = new PortfolioEquivalenceTests.History(host, token, random);
        string[] agreements = ["bg-one", "bg-two", "bg-three"];
        foreach (var a in agreements) await history.OpenAsync(a, 3);
        for (var step = 0; step < 90; step++) await history.StepAsync(agreements);

        var live = await DumpAsync(database);
        live.Split('\n').Length.ShouldBeGreaterThan(200, "a history too small to compare");
        var changeLog = await ScalarAsync<long>(database, "select count(*) from tracker.change_log");
        await ExecuteAsync(database, $"delete from {PortfolioRows.Status} where ordinal % 2 = 0; " +
                                     $"update {PortfolioRows.Transitions} set said_end = '2000-01-01'");
        (await DumpAsync(database)).ShouldNotBe(live);

        var run = await TrackerProcess.RunAsync(Environment(database), "portfolio", "rebuild");

        run.ExitCode.ShouldBe(0, run.ToString());
        run.Error.ShouldContain("switched");
        (await DumpAsync(database)).ShouldBe(live);
        (await ScalarAsync<long>(database, "select count(*) from tracker.change_log")).ShouldBe(changeLog);
        (await ScalarAsync<long>(database, "select count(*) from pg_tables where tablename like '%\\_next'")).ShouldBe(0);
        // The service goes on writing into the tables it switched to, and reads them.
        await history.StepAsync(agreements);
        await history.OpenAsync("bg-four", 2);
        await ReadAsync(host, token);
    }

    [Fact]
    public async Task reads_and_writes_during_a_rebuild_all_succeed_and_the_result_equals_a_fresh_build()
    {
        var (host, token, database) = await ServeAsync("bluegreenbusy");
        await using var _ = host;
        var random = new Random(23);
        var history = new PortfolioEquivalenceTests.History(host, token, random);
        string[] agreements = ["busy-one", "busy-two", "busy-three", "busy-four"];
        foreach (var a in agreements) await history.OpenAsync(a, 2);
        for (var step = 0; step < 60; step++) await history.StepAsync(agreements);

        using var rebuild = TrackerProcess.Start(Environment(database), ["portfolio", "rebuild"], runAs: null);
        var stderr = rebuild.StandardError.ReadToEndAsync();
        var stdout = rebuild.StandardOutput.ReadToEndAsync();
        var writes = 0;
        var reads = 0;
        var opened = 0;
        var writer = Task.Run(async () =>
        {
            // Every write must succeed (History asserts each answer); new agreements too, while the tables switch.
            while (!rebuild.HasExited)
            {
                await history.StepAsync(agreements);
                if (++writes % 10 == 0) await history.OpenAsync($"busy-new-{++opened}", 1);
            }
        });
        var reader = Task.Run(async () =>
        {
            while (!rebuild.HasExited)
            {
                await ReadAsync(host, token);
                reads++;
            }
        });
        await rebuild.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(3));
        await Task.WhenAll(writer, reader);
        rebuild.ExitCode.ShouldBe(0, await stderr + await stdout);
        (await stderr).ShouldContain("switched");
        writes.ShouldBeGreaterThan(0);
        reads.ShouldBeGreaterThan(0);
        // After the switch, writes land in the switched tables.
        for (var step = 0; step < 10; step++) await history.StepAsync(agreements);

        var rebuilt = await DumpAsync(database);
        var store = host.Services.GetRequiredService<IDocumentStore>();
        using (var daemon = await store.BuildProjectionDaemonAsync())
            await daemon.RebuildProjectionAsync(PortfolioProjection.ProjectionName, TimeSpan.FromMinutes(2), CancellationToken.None);
        (await DumpAsync(database)).ShouldBe(rebuilt);
    }

    [Fact]
    public async Task a_rebuild_killed_before_it_switches_leaves_the_live_tables_and_the_next_one_clears_its_leftovers()
    {
        var (host, token, database) = await ServeAsync("bluegreenkill");
        await using var _ = host;
        var history = new PortfolioEquivalenceTests.History(host, token, new Random(5));
        string[] agreements = ["kill-one", "kill-two"];
        foreach (var a in agreements) await history.OpenAsync(a, 2);
        for (var step = 0; step < 40; step++) await history.StepAsync(agreements);
        var live = await DumpAsync(database);

        // A long read holds the live tables: the rebuild cannot switch, and yields to it (retrying) instead of failing it.
        await using var longRead = new NpgsqlConnection(database);
        await longRead.OpenAsync();
        await using (var tx = await longRead.BeginTransactionAsync())
        {
            await using (var read = new NpgsqlCommand($"select count(*) from {PortfolioRows.Now}", longRead, tx))
                await read.ExecuteScalarAsync();
            using var rebuild = TrackerProcess.Start(Environment(database), ["portfolio", "rebuild"], runAs: null);
            var clock = Stopwatch.StartNew();
            while (!await ScalarAsync<bool>(database,
                       "select exists (select 1 from pg_stat_activity where application_name = 'tracker portfolio rebuild' and wait_event_type = 'Lock')"))
            {
                rebuild.HasExited.ShouldBeFalse("the rebuild ended before it reached the switch");
                clock.Elapsed.ShouldBeLessThan(TimeSpan.FromMinutes(2));
                await Task.Delay(20);
            }
            (await ScalarAsync<long>(database, $"select count(*) from {PortfolioRows.Status}_next")).ShouldBeGreaterThan(0);
            rebuild.Kill(); // SIGKILL
            await rebuild.WaitForExitAsync();
            await tx.CommitAsync();
        }
        (await DumpAsync(database)).ShouldBe(live);
        await ReadAsync(host, token);
        await history.StepAsync(agreements);
        live = await DumpAsync(database);

        var run = await TrackerProcess.RunAsync(Environment(database), "portfolio", "rebuild");
        run.ExitCode.ShouldBe(0, run.ToString());
        (await DumpAsync(database)).ShouldBe(live);
        (await ScalarAsync<long>(database, "select count(*) from pg_tables where tablename like '%\\_next'")).ShouldBe(0);
    }

    private static async Task ReadAsync(IAlbaHost host, string token)
    {
        foreach (var url in new[] { "/api/reports/status?pageSize=50", "/api/agreements?pageSize=50", "/api/reports/status?knownAt=2025-01-01T00:00:00Z" })
            await host.Scenario(s =>
            {
                s.Get.Url(url);
                s.WithBearerToken(token);
                s.StatusCodeShouldBe(200);
            });
    }

    /// <summary>Every table the portfolio keeps, rows in order; of its documents all but what is drawn at random.</summary>
    internal static async Task<string> DumpAsync(string database)
    {
        await using var conn = new NpgsqlConnection(database);
        await conn.OpenAsync();
        var dump = new System.Text.StringBuilder();
        foreach (var table in PortfolioRebuild.Tables)
        {
            dump.Append(table).Append('\n');
            var row = table.Contains(".mt_doc_", StringComparison.Ordinal)
                ? "t.id || ' ' || (t.data - 'factsStamp')::text || ' ' || t.mt_dotnet_type"
                : "t::text";
            await using var cmd = new NpgsqlCommand($"select x from (select {row} x from {table} t) r order by x collate \"C\"", conn);
            await using var reader = await cmd.ExecuteReaderAsync();
            while (await reader.ReadAsync()) dump.Append(reader.GetString(0)).Append('\n');
        }
        // The change log as well: a rebuild never writes it.
        await using (var log = new NpgsqlCommand("select count(*) from tracker.change_log", conn))
            dump.Append("change_log ").Append(await log.ExecuteScalarAsync()).Append('\n');
        return dump.ToString();
    }

    private static async Task ExecuteAsync(string database, string sql)
    {
        await using var conn = new NpgsqlConnection(database);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        await cmd.ExecuteNonQueryAsync();
    }

    private static async Task<T> ScalarAsync<T>(string database, string sql)
    {
        await using var conn = new NpgsqlConnection(database);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        return (T)(await cmd.ExecuteScalarAsync())!;
    }
}
