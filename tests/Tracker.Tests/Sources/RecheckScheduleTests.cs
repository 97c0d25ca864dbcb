using Alba;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Tracker.Security;
using Tracker.Tests.Support;

namespace Tracker.Tests.Sources;

/// <summary>The scheduled recheck: one live occurrence, stored as a Wolverine scheduled message, however often the
/// service restarts; an occurrence that comes due fetches again the sources older than RecheckDays; and a recheck of
/// many statements is written batch by batch.</summary>
public class RecheckScheduleTests
{
    private static async Task<long> ScalarAsync(string database, string sql)
    {
        await using var conn = new NpgsqlConnection(database);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        return Convert.ToInt64(await cmd.ExecuteScalarAsync());
    }

    private static async Task<Func<string, object, Task>> AnalystAsync(IAlbaHost host)
    {
        var token = (await host.Services.GetRequiredService<UserAdministration>().AddAsync(TrackerApp.Analyst, Roles.Analyst)).Token;
        return (url, body) => host.Scenario(s =>
        {
            s.Post.Json(body).ToUrl(url);
            s.WithBearerToken(token);
            s.StatusCodeShouldBe(201);
        });
    }

    private const string Scheduled =
        "select count(*) from wolverine.wolverine_incoming_envelopes where status = 'Scheduled' and message_type like '%RecheckSources%'";

    [Fact]
    public async Task restarts_keep_one_scheduled_occurrence_and_a_due_one_fetches_again_the_sources_older_than_recheck_days()
    {
        await using var pages = await SourcePages.StartAsync();
        const string quote = "The sides agreed to produce air-defence systems jointly";
        pages["/n"] = Page.Html($"<html><body><article><p>{quote}, the minister said.</p></article></body></html>");
        var database = await TestCluster.NewDatabaseAsync("recheck-schedule");
        (string, string)[] Settings(string every) =>
        [
            ("Tracker:Sources:Capture", "true"), ("Tracker:Sources:AllowPrivateTargets", "true"),
            ("Tracker:Sources:AllowedPorts:0", pages.Port.ToString()), ("Tracker:Sources:PollInterval", "00:00:00.1"),
            ("Tracker:Sources:RecheckEvery", every), ("Tracker:RateLimit:PermitsPerMinute", "100000"),
        ];

        // The first start begins the chain: one occurrence, stored, due a period on.
        await using (var host = await TrackerApp.StartAsync(database, Settings("01:00:00")))
        {
            await Eventually(async () => await ScalarAsync(database, Scheduled) == 1, "one scheduled recheck", dump: () => DumpAsync(database));
            (await ScalarAsync(database, "select count(*) from tracker.source_recheck_schedule where due_at > now() + interval '50 minutes'"))
                .ShouldBe(1, await DumpAsync(database));
        }
        var due = await ScalarAsync(database, "select extract(epoch from due_at)::bigint from tracker.source_recheck_schedule");
        // Two more starts (as two more nodes, or restarts) on the same database: still one occurrence, the same one.
        for (var start = 0; start < 2; start++)
        {
            await using var host = await TrackerApp.StartAsync(database, Settings("01:00:00"));
            await Task.Delay(TimeSpan.FromSeconds(2));
            (await ScalarAsync(database, Scheduled)).ShouldBe(1, await DumpAsync(database));
        }
        (await ScalarAsync(database, "select extract(epoch from due_at)::bigint from tracker.source_recheck_schedule")).ShouldBe(due);

        // A source captured 31 days ago is fetched again by the next occurrence (due every 2 s here), with no verb run.
        await using (var host = await TrackerApp.StartAsync(database, Settings("00:00:02")))
        {
            var post = await AnalystAsync(host);
            await post("/api/agreements", new { agreementId = "rs", title = "T", parties = new[] { "UKR", "FRA" } });
            await post("/api/agreements/rs/commitments", new { commitmentId = "c", title = "C", category = "air-defence" });
            await post("/api/agreements/rs/statements", new
            {
                saidOn = "2025-06-05", speaker = new { name = "Rustem Umerov" }, quote, language = "en",
                source = new { outlet = "M", kind = "press-release", url = pages.Url("/n") },
                assertions = new[] { new { commitmentId = "c", stage = "announced" } },
            });
            await Eventually(async () => await ScalarAsync(database, "select count(*) from tracker.source_captures") == 1, "the first capture");
            (await ScalarAsync(database, "update tracker.source_captures set fetched_at = now() - interval '31 days' returning 1")).ShouldBe(1);
            // The live occurrence was scheduled an hour ahead by the earlier starts: bring it forward, as time passing would.
            (await ScalarAsync(database, $"""
                with moved as (update tracker.source_recheck_schedule set due_at = now() - interval '2 hours' returning 1) select count(*) from moved
                """)).ShouldBe(1);
        }
        await using (var host = await TrackerApp.StartAsync(database, Settings("00:00:02")))
        {
            // Overdue by more than a period: its message counted as lost, a start begins the chain again, and it runs.
            await Eventually(async () => await ScalarAsync(database, "select count(*) from tracker.source_captures where round = 1") == 1,
                "the recheck's capture", TimeSpan.FromSeconds(60), () => DumpAsync(database));
            (await ScalarAsync(database, "select count(*) from tracker.source_captures")).ShouldBe(2, "both captures are kept");
            // The chain goes on, once: one occurrence due within a period (the one scheduled an hour ahead before the chain
            // was begun again is still stored, and does nothing when it comes due: the row has moved on).
            await Eventually(async () => await ScalarAsync(database, Scheduled + " and execution_time < now() + interval '1 minute'") == 1,
                "one next occurrence", dump: () => DumpAsync(database));
        }
    }

    [Fact]
    public async Task a_recheck_of_more_statements_than_a_batch_schedules_every_one_of_them()
    {
        var database = await TestCluster.NewDatabaseAsync("recheck-batches");
        await using var host = await TrackerApp.StartAsync(database, ("Tracker:RateLimit:PermitsPerMinute", "100000"));
        var post = await AnalystAsync(host);
        await post("/api/agreements", new { agreementId = "rb", title = "T", parties = new[] { "UKR", "FRA" } });
        await post("/api/agreements/rb/commitments", new { commitmentId = "c", title = "C", category = "air-defence" });
        for (var i = 0; i < 7; i++)
        {
            await post("/api/agreements/rb/statements", new
            {
                saidOn = "2025-06-05", speaker = new { name = "Rustem Umerov" }, quote = $"Quote {i}", language = "en",
                source = new { outlet = "M", kind = "press-release", url = $"https://example.org/{i}" },
                assertions = new[] { new { commitmentId = "c", stage = "announced" } },
            });
        }
        var dataSource = host.Services.GetRequiredService<NpgsqlDataSource>();
        (await Tracker.Sources.Recheck.ScheduleAsync(dataSource, "rb", TimeSpan.Zero, default, batch: 3)).ShouldBe(7);
        (await Tracker.Sources.Recheck.ScheduleAsync(dataSource, "rb", TimeSpan.Zero, default, batch: 3)).ShouldBe(0, "each has a job waiting");
        (await ScalarAsync(database, "select count(distinct statement_id) from tracker.capture_jobs where agreement_id = 'rb'")).ShouldBe(7);
    }

    private static async Task<string> DumpAsync(string database)
    {
        await using var conn = new NpgsqlConnection(database);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("""
            select 'row ' || due_at::text || ' now ' || now()::text from tracker.source_recheck_schedule
            union all select message_type || ' ' || status || ' ' || coalesce(execution_time::text, '') || ' ' || owner_id from wolverine.wolverine_incoming_envelopes
            union all select 'dead ' || message_type || ' ' || coalesce(exception_message, '') from wolverine.wolverine_dead_letters
            """, conn);
        var lines = new List<string>();
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync()) lines.Add(r.GetString(0));
        return string.Join("\n", lines);
    }

    private static async Task Eventually(Func<Task<bool>> condition, string what, TimeSpan? within = null, Func<Task<string>>? dump = null)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed > (within ?? TimeSpan.FromSeconds(20)))
                throw new ShouldAssertException($"no {what} after {clock.Elapsed}\n{(dump is null ? "" : await dump())}");
            await Task.Delay(200);
        }
    }
}
