using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Npgsql;
using Tracker.Tests.Support;

namespace Tracker.Tests.Resilience;

/// <summary>kill -9, of the database server under a running service and of an import half-way through.</summary>
public class CrashTests : IDisposable
{
    private readonly string _home = Directory.CreateTempSubdirectory("tracker-crash-").FullName;

    [Fact]
    public async Task when_its_database_server_is_killed_the_service_starts_it_again_and_serves_without_a_restart()
    {
        var environment = new Dictionary<string, string?>
        {
            ["TRACKER_HOME"] = _home, ["ASPNETCORE_ENVIRONMENT"] = "Production", ["Tracker__LoadSeeds"] = "true",
        };
        var add = await TrackerProcess.RunAsync(environment, "users", "add", "operator", "--role", "analyst");
        add.ExitCode.ShouldBe(0, add.ToString());
        var token = add.Output.Split('\n').Select(l => l.Trim()).Single(l => l.StartsWith("trk_"));

        await using var service = new TrackerProcess.Service(environment);
        (await service.WaitForHealthAsync(TimeSpan.FromSeconds(60))).StatusCode.ShouldBe(HttpStatusCode.OK, service.Output);
        var pidFile = Path.Combine(_home, "pgdata", "postmaster.pid");
        var killed = int.Parse(File.ReadLines(pidFile).First());

        (await TrackerProcess.RunShellAsync("kill", "-9", killed.ToString())).ShouldBe(0);

        using var http = new HttpClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var deadline = Stopwatch.StartNew();
        HttpStatusCode status = 0;
        while (deadline.Elapsed < TimeSpan.FromSeconds(60))
        {
            try { status = (await http.GetAsync(service.Url + "/api/agreements/ua-fr-defence-industry")).StatusCode; }
            catch (HttpRequestException) { status = 0; }
            if (status == HttpStatusCode.OK && File.Exists(pidFile) && int.Parse(File.ReadLines(pidFile).First()) != killed) break;
            await Task.Delay(200);
        }
        status.ShouldBe(HttpStatusCode.OK, service.Output);
        (await http.GetAsync(service.Url + "/health")).StatusCode.ShouldBe(HttpStatusCode.OK);
        var post = await http.PostAsync(service.Url + "/api/agreements/ua-fr-defence-industry/statements",
            JsonContent.Create(Api.Statement("air-defence-joint-production", "announced", saidOn: "2025-07-01")));
        post.StatusCode.ShouldBe(HttpStatusCode.Created, await post.Content.ReadAsStringAsync());
        service.Output.ShouldContain("has stopped; restarting it");
        service.Output.ShouldContain("is running again");
    }

    [Fact]
    public async Task an_import_killed_half_way_leaves_nothing_and_running_it_again_imports_everything()
    {
        var database = await TestCluster.NewDatabaseAsync("killimport");
        var file = Path.Combine(_home, "big.jsonl");
        const int statements = 40_000;
        await using (var writer = File.CreateText(file))
        {
            await writer.WriteLineAsync("""{"type":"open-agreement","agreementId":"big","title":"Big","parties":["UKR","FRA"]}""");
            await writer.WriteLineAsync("""{"type":"add-commitment","agreementId":"big","commitmentId":"c1","title":"One","category":"drones"}""");
            for (var i = 0; i < statements; i++)
                await writer.WriteLineAsync($$"""{"type":"record-statement","agreementId":"big","saidOn":"2025-06-05","speaker":{"name":"S"},"quote":"Q {{i}}","language":"de","source":{"outlet":"O","kind":"media-report"},"assertions":[{"commitmentId":"c1","stage":"raised"}]}""");
        }
        var environment = new Dictionary<string, string?> { ["TRACKER_DB"] = database, ["ASPNETCORE_ENVIRONMENT"] = "Production" };
        // The schema first, so that the only transaction writing below is the import's.
        (await TrackerProcess.RunAsync(environment, "migrate")).ExitCode.ShouldBe(0);

        using (var import = TrackerProcess.Start(environment, ["import", file], runAs: null))
        {
            // Once the import's transaction has written rows, it is under way: kill it there.
            var underway = false;
            for (var i = 0; i < 600 && !underway && !import.HasExited; i++)
            {
                underway = await WritingTransactionsAsync(database) > 0;
                if (!underway) await Task.Delay(100);
            }
            underway.ShouldBeTrue("the import never began writing");
            import.HasExited.ShouldBeFalse("the import finished before it could be killed");
            import.Kill();
            await import.WaitForExitAsync();
        }

        (await CountAsync(database, "select count(*) from tracker.mt_events")).ShouldBe(0);
        (await CountAsync(database, "select count(*) from tracker.mt_doc_agreementheader")).ShouldBe(0);

        var again = await TrackerProcess.RunAsync(environment, "import", file);
        again.ExitCode.ShouldBe(0, again.ToString());
        (await CountAsync(database, "select count(*) from tracker.mt_events where stream_id = 'big'")).ShouldBe(statements + 2);
    }

    private static async Task<long> WritingTransactionsAsync(string database)
    {
        var name = new NpgsqlConnectionStringBuilder(database).Database;
        return await CountAsync(database,
            $"select count(*) from pg_stat_activity where datname = '{name}' and backend_xid is not null and pid <> pg_backend_pid()");
    }

    private static async Task<long> CountAsync(string database, string sql)
    {
        await using var conn = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(database) { Pooling = false }.ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    public void Dispose()
    {
        try { Directory.Delete(_home, recursive: true); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }
}
