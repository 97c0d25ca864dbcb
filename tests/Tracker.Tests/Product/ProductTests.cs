using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Tracker.Infrastructure.Database;
using Tracker.Tests.Support;

namespace Tracker.Tests.Product;

/// <summary>
/// The executable as an operator runs it: its own embedded cluster in a data folder, stopped and started again,
/// as root (server under the 'postgres' account) and as an ordinary user.
/// </summary>
public class ProductTests : IDisposable
{
    private readonly string _home = Directory.CreateTempSubdirectory("tracker-home-").FullName;

    private Dictionary<string, string?> Environment(string? home = null) => new()
    {
        ["TRACKER_HOME"] = home ?? _home,
        ["ASPNETCORE_ENVIRONMENT"] = "Production",
        ["Tracker__LoadSeeds"] = "true",
    };

    [Fact]
    public async Task a_restart_keeps_what_was_recorded_and_loads_the_seeds_only_once()
    {
        var add = await TrackerProcess.RunAsync(Environment(), "users", "add", "operator", "--role", "analyst");
        add.ExitCode.ShouldBe(0, add.ToString());
        var token = add.Output.Split('\n').Select(l => l.Trim()).Single(l => l.StartsWith("trk_"));

        long versionAfterWrite;
        await using (var first = new TrackerProcess.Service(Environment()))
        {
            (await first.WaitForHealthAsync(TimeSpan.FromSeconds(60))).StatusCode.ShouldBe(HttpStatusCode.OK, first.Output);
            using var http = Client(token);
            var seeded = await GetJson(http, first.Url + "/api/agreements/ua-fr-defence-industry");
            seeded["version"]!.GetValue<long>().ShouldBe(7);
            var post = await http.PostAsync(first.Url + "/api/agreements/ua-fr-defence-industry/statements", JsonContent.Create(
                Api.Statement("air-defence-joint-production", "announced", saidOn: "2025-07-01")));
            post.StatusCode.ShouldBe(HttpStatusCode.Created, await post.Content.ReadAsStringAsync());
            versionAfterWrite = (await GetJson(http, first.Url + "/api/agreements/ua-fr-defence-industry"))["version"]!.GetValue<long>();
            (await first.StopAsync()).ShouldBe(0, first.Output);
            first.Output.ShouldContain("PostgreSQL stopped.");
        }
        File.Exists(Path.Combine(_home, "pgdata", "postmaster.pid")).ShouldBeFalse("the cluster stops with the service");

        await using var second = new TrackerProcess.Service(Environment());
        (await second.WaitForHealthAsync(TimeSpan.FromSeconds(60))).StatusCode.ShouldBe(HttpStatusCode.OK, second.Output);
        using var again = Client(token);
        var agreement = await GetJson(again, second.Url + "/api/agreements/ua-fr-defence-industry");
        agreement["version"]!.GetValue<long>().ShouldBe(versionAfterWrite);
        versionAfterWrite.ShouldBe(8);
    }

    [Fact]
    public async Task a_second_process_joins_the_running_cluster_and_leaves_it_running()
    {
        if (!OperatingSystem.IsLinux()) return;
        await using var running = await EmbeddedPostgres.StartAsync(_home, throwaway: false);
        await running.EnsureDatabaseAsync("tracker");

        var verb = await TrackerProcess.RunAsync(Environment(), "migrate");

        verb.ExitCode.ShouldBe(0, verb.ToString());
        verb.Error.ShouldContain($"already running for {Path.Combine(_home, "pgdata")} on 127.0.0.1:{running.Port}; joining it");
        verb.Error.ShouldContain("PostgreSQL left running: another Tracker process still uses it.");
        await using var conn = new Npgsql.NpgsqlConnection(running.ConnectionString("tracker"));
        await conn.OpenAsync();
    }

    [Fact]
    public async Task an_ordinary_user_gets_a_cluster_of_their_own()
    {
        // As root, run the service as 'nobody' (an ordinary account); otherwise we already are one.
        var runAs = EmbeddedPostgres.IsRoot ? "nobody" : null;
        var home = Path.Combine(Path.GetTempPath(), $"tracker-user-{Guid.NewGuid():N}");
        Directory.CreateDirectory(home);
        if (runAs is not null)
            (await TrackerProcess.RunShellAsync("chown", runAs, home)).ShouldBe(0);
        try
        {
            var env = Environment(home);
            env["HOME"] = home;
            env["DOTNET_CLI_HOME"] = home;
            await using var service = new TrackerProcess.Service(env, runAs);
            (await service.WaitForHealthAsync(TimeSpan.FromSeconds(60))).StatusCode.ShouldBe(HttpStatusCode.OK, service.Output);
            (await service.StopAsync()).ShouldBe(0, service.Output);
            var owner = await TrackerProcess.OwnerOfAsync(Path.Combine(home, "pgdata"));
            owner.ShouldBe(runAs ?? System.Environment.UserName);
        }
        finally
        {
            Directory.Delete(home, recursive: true);
        }
    }

    [Fact]
    public async Task without_postgres_binaries_it_says_how_to_get_them_and_exits_non_zero()
    {
        var env = Environment();
        env["Tracker__PostgresBin"] = "/nonexistent/postgresql/bin";

        var run = await TrackerProcess.RunAsync(env, "migrate");

        run.ExitCode.ShouldBe(2, run.ToString());
        run.Error.ShouldContain("apt-get install postgresql");
        run.Error.ShouldContain("TRACKER_DB");
        run.Error.ShouldContain("docker compose up -d db");
    }

    private static HttpClient Client(string token)
    {
        var http = new HttpClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http;
    }

    private static async Task<JsonNode> GetJson(HttpClient http, string url)
    {
        var response = await http.GetAsync(url);
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK, text);
        return JsonNode.Parse(text)!;
    }

    public void Dispose()
    {
        try { Directory.Delete(_home, recursive: true); }
        catch (IOException) { }
    }
}
