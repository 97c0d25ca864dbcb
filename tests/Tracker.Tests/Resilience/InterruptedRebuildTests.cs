using Alba;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Tracker.Portfolio;
using Tracker.Security;
using Tracker.Tests.Support;

namespace Tracker.Tests.Resilience;

/// <summary>A projection rebuild killed half-way must not leave a service serving a portfolio with holes.</summary>
public class InterruptedRebuildTests
{
    private static readonly string Seed = Path.Combine(TrackerProcess.RepositoryRoot, "seeds", "ua-fr-joint-production.jsonl");

    [Fact]
    public async Task a_rebuild_killed_after_emptying_the_portfolio_is_finished_by_the_next_start()
    {
        var database = await TestCluster.NewDatabaseAsync("killrebuild");
        var environment = new Dictionary<string, string?> { ["TRACKER_DB"] = database, ["ASPNETCORE_ENVIRONMENT"] = "Production" };
        (await TrackerProcess.RunAsync(environment, "import", Seed)).ExitCode.ShouldBe(0);

        using (var rebuild = TrackerProcess.Start(environment, ["projections", "rebuild", "-p", "Portfolio"], runAs: null))
        {
            // Once it has said it is rebuilding, kill it: before it finishes, as an OOM kill or a reboot would.
            var underway = false;
            for (var i = 0; i < 1500 && !underway && !rebuild.HasExited; i++)
            {
                underway = await ScalarAsync<bool>(database,
                    "select exists (select 1 from public.tracker_migrations where name like 'projection rebuild%')");
                if (!underway) await Task.Delay(20);
            }
            underway.ShouldBeTrue("the rebuild never began");
            rebuild.HasExited.ShouldBeFalse("the rebuild finished before it could be killed");
            rebuild.Kill();
            await rebuild.WaitForExitAsync();
        }
        // What a rebuild killed after its teardown leaves, whenever the kill above landed: the portfolio emptied.
        foreach (var table in PortfolioRows.Tables) await ScalarAsync<int>(database, $"delete from {table}; select 0");
        await ScalarAsync<int>(database, "delete from tracker.mt_doc_commitmentfile; delete from tracker.mt_doc_statementroute; select 0");

        await using var host = await TrackerApp.StartAsync(database);
        var token = (await host.Services.GetRequiredService<UserAdministration>().AddAsync("ana", Roles.Reader)).Token;
        var report = await host.Scenario(s =>
        {
            s.Get.Url("/api/reports/status");
            s.WithBearerToken(token);
        });
        var text = await report.ReadAsTextAsync();
        text.ShouldContain("air-defence-joint-production");
        System.Text.Json.Nodes.JsonNode.Parse(text)!["total"]!.GetValue<int>().ShouldBe(3);
        (await ScalarAsync<bool>(database,
            "select exists (select 1 from public.tracker_migrations where name like 'projection rebuild%')")).ShouldBeFalse();
    }

    private static async Task<T> ScalarAsync<T>(string database, string sql)
    {
        await using var conn = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(database) { Pooling = false }.ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        return (T)(await cmd.ExecuteScalarAsync())!;
    }
}
