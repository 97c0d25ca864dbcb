using System.Net;
using Alba;
using Microsoft.Extensions.DependencyInjection;
using Tracker.Security;
using Tracker.Tests.Support;

namespace Tracker.Tests.Integrity;

/// <summary>An operator upgrades a store made before the chain existed: its events are chained at the upgrade, and verify says so.</summary>
public class ChainUpgradeTests
{
    private static readonly string DropChain = File.ReadAllText(
        Path.Combine(TrackerProcess.RepositoryRoot, "migrations", "0006_event-chain.drop.sql"));

    [Fact]
    public async Task events_stored_before_the_chain_are_chained_at_the_upgrade_and_verify_names_that_moment()
    {
        var store = await ChainStore.SeededCopyAsync("chain_upgrade");
        // As the store stood before this feature: events, no chain, migration 0006 never applied.
        await ChainStore.SqlAsync(store, DropChain +
            "; delete from public.tracker_migrations where name = '0006_event-chain.sql' or name like 'documents checked%'");

        await using (var upgraded = await TrackerApp.StartAsync(store))
        {
            var token = (await upgraded.Services.GetRequiredService<UserAdministration>().AddAsync("ana", Roles.Analyst)).Token;
            await upgraded.Scenario(s =>
            {
                s.Post.Json(Api.Statement("drone-production", "announced")).ToUrl($"/api/agreements/{ChainStore.Agreement}/statements");
                s.WithBearerToken(token);
                s.StatusCodeShouldBe(HttpStatusCode.Created);
            });
        }

        var (exit, report, run) = await ChainStore.VerifyAsync(store);
        exit.ShouldBe(0, run.ToString());
        report["verified"]!.GetValue<long>().ShouldBe(8);
        report["genesis"]!["backfilled"]!.GetValue<long>().ShouldBe(7);
        report["genesis"]!["backfilledThroughSequence"]!.GetValue<long>().ShouldBe(7);
        var text = await ChainStore.Tracker(store, null, "verify");
        text.Output.ShouldContain("the 7 events stored before then (through #7) were chained at that moment, so it proves them unchanged since then, not before");

        await ChainStore.SqlAsync(store, "update tracker.mt_events set user_name = 'mallory' where seq_id = 2");
        (await ChainStore.VerifyAsync(store)).Report["break"]!["sequence"]!.GetValue<long>().ShouldBe(2, "a chained old event is protected too");
    }
}
