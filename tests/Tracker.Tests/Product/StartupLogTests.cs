using System.Net;
using Tracker.Tests.Support;

namespace Tracker.Tests.Product;

/// <summary>What an operator reads when the service starts: what it is doing, not warnings that ask nothing of them.</summary>
public class StartupLogTests : IDisposable
{
    private readonly string _home = Directory.CreateTempSubdirectory("tracker-start-").FullName;

    [Fact]
    public async Task a_first_start_under_a_fresh_account_logs_no_framework_warnings()
    {
        var database = await TestCluster.NewDatabaseAsync("startup_log");
        // A fresh home folder, as a new container or service account has: no data-protection keys anywhere yet.
        var environment = new Dictionary<string, string?>
        {
            ["TRACKER_DB"] = database, ["HOME"] = _home, ["DOTNET_CLI_HOME"] = _home, ["ASPNETCORE_ENVIRONMENT"] = "Production",
        };
        await using var first = new TrackerProcess.Service(environment);
        (await first.WaitForHealthAsync(TimeSpan.FromSeconds(60))).StatusCode.ShouldBe(HttpStatusCode.OK, first.Output);
        using var http = new HttpClient();
        // The sign-in form carries an antiforgery token: the first use of the data-protection keys.
        var signin = await http.GetAsync(first.Url + "/signin");
        signin.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await first.StopAsync()).ShouldBe(0, first.Output);

        first.Output.ShouldNotContain("found no handlers", Case.Insensitive, first.Output);
        first.Output.ShouldNotContain("DataProtection", Case.Insensitive, first.Output);
        first.Output.ShouldNotContain("warn:", Case.Sensitive, first.Output);
        Directory.Exists(Path.Combine(_home, ".aspnet", "DataProtection-Keys")).ShouldBeFalse("the keys live in the database");
    }

    public void Dispose() => Directory.Delete(_home, recursive: true);
}
