using System.Text.Json;
using Alba;
using Marten;
using Marten.Events;
using Marten.Events.Daemon.Coordination;
using Microsoft.Extensions.DependencyInjection;
using Tracker.Audit;
using Tracker.Security;
using Tracker.Tests.Support;

namespace Tracker.Tests.Stories;

/// <summary>
/// The audit trail is built asynchronously, so it must be exactly what a rebuild from the events gives: an auditor
/// who distrusts it can rebuild it and get the same rows. Own database, since a rebuild empties the trail meanwhile.
/// </summary>
public class AuditRebuildStory
{
    private const string AirDefence = "air-defence-joint-production";

    [Fact]
    public async Task rebuilding_the_audit_trail_from_the_events_gives_exactly_the_live_trail()
    {
        var database = await TestCluster.NewDatabaseAsync("rebuild");
        await using var host = await TrackerApp.StartAsync(database);
        var users = host.Services.GetRequiredService<UserAdministration>();
        var ana = (await users.AddAsync("ana", Roles.Analyst)).Token;
        var bo = (await users.AddAsync("bo", Roles.Analyst)).Token;

        async Task Post(string token, string url, object body) => await host.Scenario(s =>
        {
            s.Post.Json(body).ToUrl(url);
            s.WithBearerToken(token);
            s.WithRequestHeader("X-Correlation-ID", "rebuild-" + url.Length);
            s.StatusCodeShouldBe(201);
        });
        foreach (var id in new[] { "rebuild-one", "rebuild-two" })
        {
            await Post(ana, "/api/agreements", new { agreementId = id, title = "T", parties = new[] { "UKR", "FRA" } });
            await Post(ana, $"/api/agreements/{id}/commitments", new { commitmentId = AirDefence, title = "Air defence", category = "air-defence" });
            var statement = Guid.NewGuid();
            await Post(bo, $"/api/agreements/{id}/statements", Api.Statement(AirDefence, "signed", id: statement));
            await Post(ana, $"/api/agreements/{id}/statements/{statement}/corrections",
                new { correctionId = Guid.NewGuid(), reason = "misread", changes = new { assertions = new[] { new { commitmentId = AirDefence, stage = "announced" } } } });
            await Post(bo, $"/api/agreements/{id}/statements/{statement}/retraction", new { reason = "source withdrawn" });
        }
        await host.WaitForNonStaleProjectionDataAsync(TimeSpan.FromSeconds(30));
        var store = host.Services.GetRequiredService<IDocumentStore>();

        async Task<string> Trail()
        {
            await using var session = store.QuerySession();
            var rows = await session.Query<AuditEntry>().OrderBy(x => x.Sequence).ToListAsync();
            return JsonSerializer.Serialize(rows, new JsonSerializerOptions { WriteIndented = true });
        }
        var live = await Trail();

        // Damage the trail the way a bad deploy or a stray hand might, so the rebuild has something to restore.
        await using (var session = store.LightweightSession())
        {
            var rows = await session.Query<AuditEntry>().OrderBy(x => x.Sequence).ToListAsync();
            session.Delete(rows[0]);
            rows[^1].RecordedBy = "someone-else";
            session.Store(rows[^1]);
            await session.SaveChangesAsync();
        }
        (await Trail()).ShouldNotBe(live);

        var daemon = host.Services.GetRequiredService<IProjectionCoordinator>().DaemonForMainDatabase();
        await daemon.RebuildProjectionAsync("AuditTrail", TimeSpan.FromMinutes(1), CancellationToken.None);
        var rebuilt = await Trail();

        live.ShouldContain("source withdrawn");
        live.Split("\"Sequence\"").Length.ShouldBe(11);
        rebuilt.ShouldBe(live);
    }
}
