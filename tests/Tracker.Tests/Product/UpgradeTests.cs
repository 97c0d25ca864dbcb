using System.Net;
using Alba;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Tracker.Security;
using Tracker.Tests.Support;

namespace Tracker.Tests.Product;

/// <summary>An operator upgrades a store whose events predate the documents the service now keeps beside them.</summary>
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
}
