using System.Net;
using Alba;
using Marten;
using Marten.Events;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Tracker.Agreements;
using Tracker.Agreements.Storage;
using Tracker.Export;
using Tracker.Infrastructure.Database;
using Tracker.Security;
using Tracker.Tests.Support;

namespace Tracker.Tests.Resilience;

/// <summary>A failed append leaves a tombstone event in the log; nothing that reads the log trips over it.</summary>
public class TombstoneTests
{
    [Fact]
    public async Task a_tombstone_in_the_log_is_skipped_by_export_audit_time_travel_and_the_start_up_check()
    {
        var database = await TestCluster.NewDatabaseAsync("tombstone");
        const string id = "tombstone-story";
        await using (var host = await TrackerApp.StartAsync(database))
        {
            var token = (await host.Services.GetRequiredService<UserAdministration>().AddAsync("ana", Roles.Analyst)).Token;
            async Task<IScenarioResult> Send(Action<Scenario> c) =>
                await host.Scenario(s => { s.WithBearerToken(token); s.IgnoreStatusCode(); c(s); });
            await Send(s => s.Post.Json(new { agreementId = id, title = "T", parties = new[] { "UKR", "FRA" } }).ToUrl("/api/agreements"));
            await Send(s => s.Post.Json(new { commitmentId = "c1", title = "One", category = "drones" }).ToUrl($"/api/agreements/{id}/commitments"));
            await Send(s => s.Post.Json(Api.Statement("c1", "raised")).ToUrl($"/api/agreements/{id}/statements"));

            // Past every check, as a bug or another tool might: a value PostgreSQL refuses makes the append fail.
            var store = host.Services.GetRequiredService<IDocumentStore>();
            await using (var session = store.LightweightSession())
            {
                session.Events.Append(id, new StatementRetracted(id, Guid.NewGuid(), "bad\u0000reason"));
                await Should.ThrowAsync<Exception>(() => session.SaveChangesAsync());
            }
            await WaitForTombstoneAsync(database);

            var export = new StringWriter();
            (await new Exporter(store).ExportAsync(export)).ShouldBe(3);
            export.ToString().ShouldNotContain(Tombstones.StreamKey);

            await using (var conn = new NpgsqlConnection(database))
            {
                await conn.OpenAsync();
                (await InlineProjectionBackfill.BehindAsync(conn, CancellationToken.None)).ShouldBeFalse();
            }

            await host.WaitForNonStaleProjectionDataAsync(TimeSpan.FromSeconds(30));
            var audit = await (await Send(s => s.Get.Url("/api/audit?pageSize=500"))).ReadAsTextAsync();
            audit.ShouldNotContain(Tombstones.StreamKey);
            audit.ShouldContain("\"total\":3");

            var then = await Send(s => s.Get.Url($"/api/agreements?knownAt={DateTimeOffset.UtcNow.AddMinutes(1):yyyy-MM-ddTHH:mm:ssZ}"));
            var listed = await then.ReadAsTextAsync();
            then.Context.Response.StatusCode.ShouldBe(200, listed);
            listed.ShouldContain("\"total\":1");
        }

        // Started again on the same store: serving at once, the agreement intact.
        await using var again = await TrackerApp.StartAsync(database);
        var token2 = (await again.Services.GetRequiredService<UserAdministration>().AddAsync("bo", Roles.Reader)).Token;
        var read = await again.Scenario(s => { s.Get.Url($"/api/agreements/{id}"); s.WithBearerToken(token2); s.StatusCodeShouldBe(HttpStatusCode.OK); });
        (await read.ReadAsTextAsync()).ShouldContain("\"version\":3");
    }

    private static async Task WaitForTombstoneAsync(string database)
    {
        await using var conn = new NpgsqlConnection(database);
        await conn.OpenAsync();
        for (var i = 0; i < 100; i++)
        {
            await using var cmd = new NpgsqlCommand($"select count(*) from tracker.mt_events where stream_id = '{Tombstones.StreamKey}'", conn);
            if ((long)(await cmd.ExecuteScalarAsync())! > 0) return;
            await Task.Delay(100);
        }
        throw new ShouldAssertException("the failed append left no tombstone to test with");
    }
}
