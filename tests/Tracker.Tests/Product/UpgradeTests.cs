using System.Net;
using Alba;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Tracker.Security;
using Tracker.Tests.Support;

namespace Tracker.Tests.Product;

/// <summary>An operator upgrades a store made by an earlier Tracker: what it lacks is made, and nothing it has is made again.</summary>
public class UpgradeTests
{
    [Theory]
    [InlineData("delete from tracker.mt_doc_agreementheader; delete from tracker.mt_doc_statemententry")]
    [InlineData("delete from tracker.mt_doc_statemententry")]
    public async Task documents_missing_beside_existing_events_are_rebuilt_from_them_at_start(string loss)
    {
        var database = await TestCluster.NewDatabaseAsync("upgrade");
        const string id = "upgrade-story";
        string token;
        string before;
        await using (var first = await TrackerApp.StartAsync(database))
        {
            token = (await first.Services.GetRequiredService<UserAdministration>().AddAsync("ana", Roles.Analyst)).Token;
            var api = new Func<Action<Scenario>, Task<IScenarioResult>>(c => first.Scenario(s => { s.WithBearerToken(token); s.IgnoreStatusCode(); c(s); }));
            await api(s => s.Post.Json(new { agreementId = id, title = "T", parties = new[] { "UKR", "FRA" } }).ToUrl("/api/agreements"));
            await api(s => s.Post.Json(new { commitmentId = "air-defence", title = "Air defence", category = "air-defence" })
                .ToUrl($"/api/agreements/{id}/commitments"));
            await api(s => s.Post.Json(Api.Statement("air-defence", "signed")).ToUrl($"/api/agreements/{id}/statements"));
            before = await (await api(s => s.Get.Url($"/api/agreements/{id}/commitments/air-defence"))).ReadAsTextAsync();
        }
        // As after the migration that introduced these documents: the events are there, the documents are not, and
        // the store has never been checked for them.
        await using (var conn = new NpgsqlConnection(database))
        {
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand(loss + "; delete from public.tracker_migrations where name like 'documents checked%'", conn);
            await cmd.ExecuteNonQueryAsync();
        }

        await using var upgraded = await TrackerApp.StartAsync(database);
        var result = await upgraded.Scenario(s =>
        {
            s.Get.Url($"/api/agreements/{id}/commitments/air-defence");
            s.WithBearerToken(token);
            s.StatusCodeShouldBe(HttpStatusCode.OK);
        });

        (await result.ReadAsTextAsync()).ShouldBe(before);
        before.ShouldContain("\"stage\":\"signed\"");
    }

    /// <summary>
    /// An agreement whose sources were captured has a second stream ('sources:' + its id) and still one header: a
    /// store like that is not behind its events, so a new migration does not make its next start rebuild everything.
    /// </summary>
    [Fact]
    public async Task a_store_with_captured_sources_is_not_taken_for_one_behind_its_events()
    {
        var database = await TestCluster.NewDatabaseAsync("upgrade");
        const string id = "captured-story";
        await using (var app = await TrackerApp.StartAsync(database))
        {
            var token = (await app.Services.GetRequiredService<UserAdministration>().AddAsync("ana", Roles.Analyst)).Token;
            await app.Scenario(s =>
            {
                s.WithBearerToken(token);
                s.Post.Json(new { agreementId = id, title = "T", parties = new[] { "UKR", "FRA" } }).ToUrl("/api/agreements");
                s.StatusCodeShouldBe(HttpStatusCode.Created);
            });
        }
        await using var conn = new NpgsqlConnection(database);
        await conn.OpenAsync();
        (await Tracker.Infrastructure.Database.InlineProjectionBackfill.BehindAsync(conn, default)).ShouldBeFalse();
        await using (var sources = new NpgsqlCommand(
                         $"insert into tracker.mt_streams (id, type, version) values ('{Tracker.Sources.SourceLog.Prefix}{id}', 'source_log', 1)", conn))
            await sources.ExecuteNonQueryAsync();
        (await Tracker.Infrastructure.Database.InlineProjectionBackfill.BehindAsync(conn, default)).ShouldBeFalse();
    }

    /// <summary>The migrations as an earlier Tracker named them, before the two numbered 0006 were told apart.</summary>
    private static readonly (string Before, string Now)[] Renumbered =
    [
        ("0006_data-protection-keys.sql", "0009_data-protection-keys.sql"),
    ];

    [Fact]
    public void every_migration_has_a_number_of_its_own_so_the_order_they_apply_in_is_explicit()
    {
        var numbers = Directory.GetFiles(Path.Combine(TrackerProcess.RepositoryRoot, "migrations"), "*.sql")
            .Select(Path.GetFileName).Where(f => !f!.EndsWith(".drop.sql", StringComparison.Ordinal))
            .GroupBy(f => f![..4]).Where(g => g.Count() > 1).Select(g => string.Join(" and ", g)).ToList();
        numbers.ShouldBeEmpty("each number names one migration");
        Tracker.Infrastructure.Database.Migrations.Embedded.Select(m => m.Name[..4]).ShouldBeUnique();
    }

    [Fact]
    public async Task a_store_that_applied_the_two_migrations_numbered_0006_under_their_old_names_applies_nothing_again()
    {
        var database = await TestCluster.NewDatabaseAsync("renumbered");
        const string id = "renumbered-story";
        string token;
        await using (var first = await TrackerApp.StartAsync(database))
        {
            token = (await first.Services.GetRequiredService<UserAdministration>().AddAsync("ana", Roles.Analyst)).Token;
            foreach (var (url, body) in new (string, object)[]
                     {
                         ("/api/agreements", new { agreementId = id, title = "T", parties = new[] { "UKR", "FRA" } }),
                         ($"/api/agreements/{id}/commitments", new { commitmentId = "air-defence", title = "Air defence", category = "air-defence" }),
                     })
                await first.Scenario(s =>
                {
                    s.Post.Json(body).ToUrl(url);
                    s.WithBearerToken(token);
                    s.StatusCodeShouldBe(HttpStatusCode.Created);
                });
        }
        // As an earlier Tracker left it: the same files (the same checksums), applied under the names they had then.
        var appliedAt = await AppliedAsync(database);
        foreach (var (before, now) in Renumbered)
            await SqlAsync(database, $"update public.tracker_migrations set name = '{before}' where name = '{now}'");

        var env = new Dictionary<string, string?> { ["TRACKER_DB"] = database, ["ASPNETCORE_ENVIRONMENT"] = "Production" };
        var migrate = await TrackerProcess.RunAsync(env, "migrate");

        migrate.ExitCode.ShouldBe(0, migrate.ToString());
        migrate.Output.ShouldNotContain("Applied migration", Case.Sensitive, migrate.ToString());
        migrate.Output.ShouldContain("The database is up to date.");
        var upgraded = await AppliedAsync(database);
        foreach (var (before, now) in Renumbered)
        {
            upgraded[now].ShouldBe(appliedAt[now], $"{now} is the {before} this store applied, recorded under its new name");
            // An earlier Tracker still serving this store finds what it applied under the name it knows.
            upgraded[before].ShouldBe(appliedAt[now]);
        }
        await using var serving = await TrackerApp.StartAsync(database);
        var health = await serving.Scenario(s => { s.Get.Url("/health"); s.StatusCodeShouldBe(HttpStatusCode.OK); });
        (await health.ReadAsTextAsync()).ShouldContain("\"healthy\"");
        await serving.Scenario(s =>
        {
            s.Post.Json(Api.Statement("air-defence", "signed")).ToUrl($"/api/agreements/{id}/statements");
            s.WithBearerToken(token);
            s.StatusCodeShouldBe(HttpStatusCode.Created);
        });
        var verify = await TrackerProcess.RunAsync(env, "verify");
        verify.ExitCode.ShouldBe(0, verify.ToString());
        verify.Output.ShouldStartWith("OK: ");
    }

    private static async Task<Dictionary<string, (string Checksum, DateTime AppliedAt)>> AppliedAsync(string database)
    {
        await using var conn = new NpgsqlConnection(database);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("select name, checksum, applied_at from public.tracker_migrations", conn);
        await using var reader = await cmd.ExecuteReaderAsync();
        var applied = new Dictionary<string, (string, DateTime)>();
        while (await reader.ReadAsync()) applied[reader.GetString(0)] = (reader.GetString(1), reader.GetDateTime(2));
        return applied;
    }

    private static async Task SqlAsync(string database, string sql)
    {
        await using var conn = new NpgsqlConnection(database);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        await cmd.ExecuteNonQueryAsync();
    }
}
