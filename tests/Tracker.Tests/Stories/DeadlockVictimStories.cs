using System.Net;
using Alba;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Tracker.Security;
using Tracker.Tests.Support;

namespace Tracker.Tests.Stories;

/// <summary>
/// A write that PostgreSQL picks as a deadlock's victim was rolled back whole: the analyst gets their statement
/// recorded, not a 500. (The deadlock a blue/green portfolio switch can meet: the write has read one of the
/// projection's tables and waits for another, which the switch holds while it waits for the first.)
/// </summary>
public class DeadlockVictimStories
{
    private const string Commitment = "air-defence-joint-production";

    [Fact]
    public async Task a_write_chosen_as_a_deadlocks_victim_is_decided_again_and_recorded_once()
    {
        var database = await TestCluster.NewDatabaseAsync("deadlockvictim");
        await using var host = await TrackerApp.StartAsync(database);
        var token = (await host.Services.GetRequiredService<UserAdministration>().AddAsync("eve", Roles.Analyst)).Token;
        async Task<IScenarioResult> Post(string url, object body) => await host.Scenario(s =>
        {
            s.Post.Json(body).ToUrl(url);
            s.WithBearerToken(token);
            s.IgnoreStatusCode();
        });
        (await Post("/api/agreements", new { agreementId = "dl", title = "T", parties = new[] { "UKR", "FRA" } })).Context.Response.StatusCode.ShouldBe(201);
        (await Post("/api/agreements/dl/commitments", new { commitmentId = Commitment, title = "J", category = "air-defence" }))
            .Context.Response.StatusCode.ShouldBe(201);
        (await Post("/api/agreements/dl/statements", Api.Statement(Commitment, "announced"))).Context.Response.StatusCode.ShouldBe(201);

        // What the switch does, by hand: hold one of the projection's tables, let the write read another and queue behind
        // the first, then ask for the one the write has read. The write began waiting first, so its deadlock check runs
        // first and it is the victim.
        await using var switcher = new NpgsqlConnection(database);
        await switcher.OpenAsync();
        await using var tx = await switcher.BeginTransactionAsync();
        await Exec(switcher, "lock table tracker.portfolio_facts in access exclusive mode");
        var statementId = Guid.NewGuid();
        var write = Post("/api/agreements/dl/statements", Api.Statement(Commitment, "signed", id: statementId));
        await WaitUntilAsync(database, "select exists (select 1 from pg_locks l join pg_class c on c.oid = l.relation " +
                                       "where not l.granted and c.relname = 'portfolio_facts')");
        var victims = await CountDeadlocksAsync(database);
        await Exec(switcher, "lock table tracker.mt_doc_commitmentfile in access exclusive mode");
        await tx.RollbackAsync();

        var answer = await write;
        answer.Context.Response.StatusCode.ShouldBe(201, await answer.ReadAsTextAsync());
        // The server's statistics reach the view a moment after the victim's rollback.
        var deadlocks = victims;
        for (var i = 0; i < 100 && deadlocks == victims; i++, await Task.Delay(100)) deadlocks = await CountDeadlocksAsync(database);
        deadlocks.ShouldBeGreaterThan(victims, "the write met the deadlock (else this story proves nothing)");
        await using var conn = new NpgsqlConnection(database);
        await conn.OpenAsync();
        await using var count = new NpgsqlCommand(
            $"select count(*) from tracker.mt_events where stream_id = 'dl' and data->>'statementId' = '{statementId}'", conn);
        ((long)(await count.ExecuteScalarAsync())!).ShouldBe(1, "recorded once, by the second attempt");
    }

    private static async Task Exec(NpgsqlConnection conn, string sql)
    {
        await using var cmd = new NpgsqlCommand(sql, conn) { CommandTimeout = 30 };
        await cmd.ExecuteNonQueryAsync();
    }

    private static async Task<long> CountDeadlocksAsync(string database)
    {
        await using var conn = new NpgsqlConnection(database);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("select deadlocks from pg_stat_database where datname = current_database()", conn);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    private static async Task WaitUntilAsync(string database, string sql)
    {
        await using var conn = new NpgsqlConnection(database);
        await conn.OpenAsync();
        for (var i = 0; i < 300; i++)
        {
            await using var cmd = new NpgsqlCommand(sql, conn);
            if ((bool)(await cmd.ExecuteScalarAsync())!) return;
            await Task.Delay(50);
        }
        throw new TimeoutException(sql);
    }
}
