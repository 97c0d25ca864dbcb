using System.Net;
using Npgsql;
using Tracker.Tests.Support;

namespace Tracker.Tests.Http;

/// <summary>
/// Admins (and operators at the command line) adding the same new user name at the same moment: exactly one of them
/// is handed a token, and it works; every other is told the name is taken and gets no token.
/// </summary>
[Collection(AppCollection.Name)]
public class UserRaceTests(TrackerApp app)
{
    private sealed record Attempt(bool Won, string? Token, string Said);

    [Fact]
    public async Task sixteen_admins_adding_one_name_at_once_get_one_working_token_and_fifteen_conflicts()
    {
        var name = "racer-" + Guid.NewGuid().ToString("N")[..8];

        var attempts = await RaceAsync(Enumerable.Range(0, 16).Select(_ => AddOverHttpAsync(name)).ToArray);

        attempts.Count(a => a.Won).ShouldBe(1, string.Join("\n", attempts.Select(a => a.Said)));
        attempts.Where(a => !a.Won).ShouldAllBe(a => a.Token == null && a.Said.StartsWith("409"));
        await ShouldWorkAsync(attempts.Single(a => a.Won).Token!);
    }

    [Fact]
    public async Task users_add_at_the_command_line_racing_the_api_for_one_name_lets_one_of_them_win()
    {
        var name = "racer-" + Guid.NewGuid().ToString("N")[..8];

        var attempts = await RaceAsync(() =>
            [.. Enumerable.Range(0, 4).Select(_ => AddAtTheCommandLineAsync(name)), .. Enumerable.Range(0, 4).Select(_ => AddOverHttpAsync(name))]);

        attempts.Count(a => a.Won).ShouldBe(1, string.Join("\n", attempts.Select(a => a.Said)));
        attempts.Where(a => !a.Won).ShouldAllBe(a => a.Token == null && a.Said.Contains("already exists"));
        await ShouldWorkAsync(attempts.Single(a => a.Won).Token!);
    }

    private async Task<Attempt> AddOverHttpAsync(string name)
    {
        var (status, body, _) = await new Api(app, app.AdminToken).Send(HttpMethod.Post, "/api/users", new { name, role = "reader" });
        var token = body?["token"]?.GetValue<string>();
        return new Attempt(status == HttpStatusCode.Created, token, $"{(int)status} {body?.ToJsonString()}");
    }

    private async Task<Attempt> AddAtTheCommandLineAsync(string name)
    {
        var run = await TrackerProcess.RunAsync(new Dictionary<string, string?> { ["TRACKER_DB"] = app.ConnectionString },
            "users", "add", name, "--role", "reader");
        var token = run.Output.Split('\n').Select(l => l.Trim()).SingleOrDefault(l => l.StartsWith("trk_", StringComparison.Ordinal));
        return new Attempt(run.ExitCode == 0, token, run.ToString());
    }

    /// <summary>
    /// Lines the racers up: while the test holds the users' table in EXCLUSIVE mode, any of them may read it but none
    /// may write it, so each has made whatever check it makes before writing by the time they are all waiting; then
    /// they are let go together.
    /// </summary>
    private async Task<Attempt[]> RaceAsync(Func<Task<Attempt>[]> start)
    {
        await using var gate = new NpgsqlConnection(app.ConnectionString);
        await gate.OpenAsync();
        await using var holding = await gate.BeginTransactionAsync();
        await using (var lockTable = new NpgsqlCommand("lock table tracker.mt_doc_apiuser in exclusive mode", gate, holding))
            await lockTable.ExecuteNonQueryAsync();

        var racers = start();
        // Watched from a connection of its own: inside the holding transaction, PostgreSQL would show one snapshot of
        // its activity over and over.
        await using var watch = new NpgsqlConnection(app.ConnectionString);
        await watch.OpenAsync();
        var deadline = DateTime.UtcNow.AddMinutes(1);
        while (await WaitingAsync(watch) < racers.Length && !racers.Any(r => r.IsCompleted) && DateTime.UtcNow < deadline)
            await Task.Delay(50);
        await holding.CommitAsync();
        return await Task.WhenAll(racers);
    }

    private static async Task<long> WaitingAsync(NpgsqlConnection watch)
    {
        await using var waiting = new NpgsqlCommand(
            "select count(*) from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'", watch);
        return (long)(await waiting.ExecuteScalarAsync())!;
    }

    private async Task ShouldWorkAsync(string token)
    {
        var (status, body, _) = await new Api(app, token).Send(HttpMethod.Get, "/api/agreements");
        status.ShouldBe(HttpStatusCode.OK, body?.ToJsonString());
    }
}
