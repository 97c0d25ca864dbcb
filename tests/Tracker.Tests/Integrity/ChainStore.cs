using System.Text;
using System.Text.Json.Nodes;
using Npgsql;
using Tracker.Tests.Support;

namespace Tracker.Tests.Integrity;

/// <summary>
/// Stores for the chain's stories: the seed imported once (7 events of one agreement, #1–#7) and copied per test
/// (PostgreSQL's template databases), SQL run as someone with database access would, and the CLI as an operator runs it.
/// </summary>
public static class ChainStore
{
    public const string Agreement = "ua-fr-defence-industry";
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static string? _seeded;

    public static string Seed { get; } = Path.Combine(TrackerProcess.RepositoryRoot, "seeds", "ua-fr-joint-production.jsonl");

    /// <summary>A store of its own holding the seed, chained as the import appended it.</summary>
    public static async Task<string> SeededCopyAsync(string purpose)
    {
        await Gate.WaitAsync();
        try
        {
            if (_seeded is null)
            {
                var template = await TestCluster.NewDatabaseAsync("chain_seed");
                var import = await Tracker(template, null, "import", Seed);
                import.ExitCode.ShouldBe(0, import.ToString());
                _seeded = template;
            }
            var name = new NpgsqlConnectionStringBuilder(await TestCluster.NewDatabaseAsync(purpose)).Database!;
            var admin = new NpgsqlConnectionStringBuilder(_seeded) { Database = "postgres", Pooling = false }.ConnectionString;
            await using var conn = new NpgsqlConnection(admin);
            await conn.OpenAsync();
            var template_ = new NpgsqlConnectionStringBuilder(_seeded).Database!;
            await using (var drop = new NpgsqlCommand($"drop database \"{name}\"", conn)) await drop.ExecuteNonQueryAsync();
            await using (var create = new NpgsqlCommand($"create database \"{name}\" template \"{template_}\"", conn))
                await create.ExecuteNonQueryAsync();
            return new NpgsqlConnectionStringBuilder(_seeded) { Database = name }.ConnectionString;
        }
        finally
        {
            Gate.Release();
        }
    }

    public static async Task SqlAsync(string database, string sql)
    {
        await using var conn = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(database) { Pooling = false }.ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        await cmd.ExecuteNonQueryAsync();
    }

    public static async Task<long> CountAsync(string database, string sql)
    {
        await using var conn = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(database) { Pooling = false }.ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        return Convert.ToInt64(await cmd.ExecuteScalarAsync());
    }

    /// <summary>The Tracker executable on this store; <paramref name="home"/> holds the checkpoint signing key.</summary>
    public static Task<TrackerProcess.Result> Tracker(string database, string? home, params string[] args) =>
        Tracker(database, home, null, args);

    private static Task<TrackerProcess.Result> Tracker(string database, string? home, int? rangeEvents, string[] args)
    {
        var env = new Dictionary<string, string?> { ["TRACKER_DB"] = database };
        if (home is not null) env["TRACKER_HOME"] = home;
        // Verify splits a long chain into ranges checked at once; a few events a range make the seed's 7 a long chain.
        if (rangeEvents is { } events)
            (env["Tracker__Integrity__VerifyRangeEvents"], env["Tracker__Integrity__VerifyWorkers"]) = (events.ToString(), "3");
        return TrackerProcess.RunAsync(env, args);
    }

    /// <summary>tracker verify --format json: the exit code and the report.</summary>
    public static Task<(int ExitCode, JsonNode Report, TrackerProcess.Result Run)> VerifyAsync(string database, params string[] args) =>
        VerifyInRangesAsync(database, null, args);

    /// <summary>As <see cref="VerifyAsync"/>, with the chain verified in ranges of <paramref name="rangeEvents"/> at once.</summary>
    public static async Task<(int ExitCode, JsonNode Report, TrackerProcess.Result Run)> VerifyInRangesAsync(string database,
        int? rangeEvents, params string[] args)
    {
        var run = await Tracker(database, null, rangeEvents, ["verify", "--format", "json", .. args]);
        var start = run.Output.IndexOf('{');
        start.ShouldBeGreaterThanOrEqualTo(0, run.ToString());
        return (run.ExitCode, JsonNode.Parse(run.Output[start..])!, run);
    }

    /// <summary>A statement on the seed agreement, as an import line, in a file of its own.</summary>
    public static string LaterStatements(string dir, int count)
    {
        var path = Path.Combine(dir, $"later-{Guid.NewGuid():N}.jsonl");
        File.WriteAllLines(path, Enumerable.Range(0, count).Select(i =>
            $$"""{"type":"record-statement","agreementId":"{{Agreement}}","statementId":"{{Guid.NewGuid()}}","saidOn":"2025-07","speaker":{"name":"Unnamed official"},"quote":"Später {{i}}","language":"de","source":{"outlet":"Blog","kind":"other"},"assertions":[{"commitmentId":"drone-production","stage":"binding"}]}"""),
            new UTF8Encoding(false));
        return path;
    }
}
