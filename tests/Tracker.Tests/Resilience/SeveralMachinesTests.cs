using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Npgsql;
using Tracker.Tests.Support;
using Xunit.Abstractions;

namespace Tracker.Tests.Resilience;

/// <summary>
/// Two Tracker processes (node A and node B) writing to one primary and reading reports from its streaming replica,
/// as on two machines: a write on one is read on the other, reports come from the standby, and when a node is killed
/// while clients write through both, the clients carry on through the survivor and no acknowledged write is lost.
/// </summary>
public class SeveralMachinesTests(ITestOutputHelper output)
{
    private const string Database = "tracker";
    private const int Clients = 8;

    [Fact]
    public async Task two_nodes_share_a_primary_read_reports_from_its_replica_and_lose_no_acknowledged_write_when_one_is_killed()
    {
        if (!OperatingSystem.IsLinux()) return;
        var clock = Stopwatch.StartNew();
        await using var cluster = await ReplicatedCluster.StartAsync(Database);
        Dictionary<string, string?> Node(string name) => new()
        {
            ["TRACKER_DB"] = new NpgsqlConnectionStringBuilder(cluster.PrimaryConnectionString(Database)) { ApplicationName = name }.ConnectionString,
            ["TRACKER_DB_REPLICAS"] = $"127.0.0.1:{cluster.StandbyPort}",
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["Tracker__RateLimit__PermitsPerMinute"] = "100000",
        };
        var add = await TrackerProcess.RunAsync(Node("setup"), "users", "add", "operator", "--role", "analyst");
        add.ExitCode.ShouldBe(0, add.ToString());
        var token = add.Output.Split('\n').Select(l => l.Trim()).Single(l => l.StartsWith("trk_"));

        await using var a = new TrackerProcess.Service(Node("node-a"));
        await using var b = new TrackerProcess.Service(Node("node-b"));
        (await a.WaitForHealthAsync(TimeSpan.FromSeconds(90))).StatusCode.ShouldBe(HttpStatusCode.OK, a.Output);
        (await b.WaitForHealthAsync(TimeSpan.FromSeconds(90))).StatusCode.ShouldBe(HttpStatusCode.OK, b.Output);
        output.WriteLine($"cluster and two nodes up: {clock.ElapsedMilliseconds} ms");

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(20) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        for (var i = 0; i < Clients; i++) await OpenAsync(http, a.Url, $"nodes-{i}");

        // Written on A, read back from B's report, which B reads from the standby: visible once the standby replayed it.
        var first = Guid.NewGuid();
        (await RecordAsync(http, a.Url, "nodes-0", first)).ShouldBe(HttpStatusCode.Created);
        var replayed = await EventuallyAsync(() => EvidenceHasAsync(http, b.Url, "nodes-0", first), TimeSpan.FromSeconds(15));
        replayed.ShouldNotBeNull("a statement written on node A never showed in node B's report");
        output.WriteLine($"written on A, in B's report after {replayed!.Value.TotalMilliseconds:0} ms (B's first report)");
        // Warm, how far B's reports trail A's writes: the 201 to the first poll of B's report that shows it.
        var lags = new List<double>();
        for (var probe = 0; probe < 10; probe++)
        {
            var id = Guid.NewGuid();
            (await RecordAsync(http, a.Url, "nodes-0", id)).ShouldBe(HttpStatusCode.Created);
            var lag = await EventuallyAsync(() => EvidenceHasAsync(http, b.Url, "nodes-0", id), TimeSpan.FromSeconds(15));
            lag.ShouldNotBeNull("a statement written on node A never showed in node B's report");
            lags.Add(lag!.Value.TotalMilliseconds);
        }
        lags.Sort();
        output.WriteLine($"written on A, in B's report after (10 writes) median {lags[4]:0} ms, max {lags[^1]:0} ms");

        // That report was answered by the standby: B's report connections live there, in recovery, and not on the primary.
        (await ScalarAsync<bool>(cluster.StandbyConnectionString(Database), "select pg_is_in_recovery()")).ShouldBeTrue();
        // Proved by where B's report connections last ran a query, after a read begun now. A standby Npgsql found busy
        // (this machine is loaded) is passed over for the primary and tried again 10 s later: B must be back on it by
        // then, its read on the standby and none of its report connections on the primary used meanwhile.
        var onStandby = await EventuallyAsync(async () =>
        {
            var since = await ScalarAsync<decimal>(PrimaryAdmin(cluster), "select extract(epoch from clock_timestamp())");
            if (!await EvidenceHasAsync(http, b.Url, "nodes-0", first)) return false;
            return await ReportQueriesSinceAsync(cluster.StandbyConnectionString(Database), "node-b", since) > 0
                   && await ReportQueriesSinceAsync(PrimaryAdmin(cluster), "node-b", since) == 0;
        }, TimeSpan.FromSeconds(25));
        onStandby.ShouldNotBeNull("node B's report was not read from the standby");

        // 8 clients write through both nodes; A is killed under them; a client whose node fails moves to the other.
        var acknowledged = new ConcurrentBag<(Guid Id, string Agreement, bool AfterKill)>();
        var killed = false;
        var failovers = 0;
        using var stop = new CancellationTokenSource();
        var clients = Enumerable.Range(0, Clients).Select(i => Task.Run(async () =>
        {
            var urls = new[] { a.Url, b.Url };
            var node = i % 2;
            while (!stop.IsCancellationRequested)
            {
                var id = Guid.NewGuid();
                var after = Volatile.Read(ref killed);
                HttpStatusCode status;
                try { status = await RecordAsync(http, urls[node], $"nodes-{i}", id); }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException) { status = 0; }
                if (status == HttpStatusCode.Created) acknowledged.Add((id, $"nodes-{i}", after));
                else if (status is 0 or >= HttpStatusCode.InternalServerError)
                {
                    Interlocked.Increment(ref failovers);
                    node = 1 - node;
                    await Task.Delay(50);
                }
            }
        })).ToList();

        await EventuallyAsync(() => Task.FromResult(acknowledged.Count >= 40), TimeSpan.FromSeconds(30));
        var beforeKill = acknowledged.Count;
        await a.KillAsync();
        Volatile.Write(ref killed, true);
        var survivorServed = await EventuallyAsync(() => Task.FromResult(acknowledged.Count(w => w.AfterKill) >= 40), TimeSpan.FromSeconds(30));
        await stop.CancelAsync();
        await Task.WhenAll(clients);
        output.WriteLine($"acknowledged {beforeKill} writes before the kill, {acknowledged.Count(w => w.AfterKill)} after " +
                         $"(survivor serving {survivorServed?.TotalMilliseconds:0} ms after the kill); {failovers} failed requests retried on the other node");
        survivorServed.ShouldNotBeNull("the surviving node did not take the clients' writes");

        // Every 201 is in the store.
        var stored = await StatementIdsAsync(PrimaryAdmin(cluster));
        acknowledged.Where(w => !stored.Contains(w.Id)).ShouldBeEmpty("acknowledged writes missing from the store");

        // Projections go on on the survivor: a write on B shows in B's report (inline, read on the standby) and in its
        // audit trail, which the async daemon writes, B's own once A's leadership died with it.
        var last = Guid.NewGuid();
        (await RecordAsync(http, b.Url, "nodes-1", last)).ShouldBe(HttpStatusCode.Created);
        (await EventuallyAsync(() => EvidenceHasAsync(http, b.Url, "nodes-1", last), TimeSpan.FromSeconds(15)))
            .ShouldNotBeNull("a write on the survivor never showed in its report");
        var audited = await EventuallyAsync(async () =>
            (await http.GetStringAsync($"{b.Url}/api/audit?agreement=nodes-1&pageSize=100&from={Uri.EscapeDataString(DateTimeOffset.UtcNow.AddMinutes(-1).ToString("O"))}"))
            .Contains(last.ToString()), TimeSpan.FromSeconds(40));
        audited.ShouldNotBeNull("the audit trail projection did not continue on the survivor\n" + b.Output);
        output.WriteLine($"survivor's write in its audit trail after {audited!.Value.TotalMilliseconds:0} ms; whole test {clock.ElapsedMilliseconds} ms");
    }

    private static string PrimaryAdmin(ReplicatedCluster cluster) =>
        new NpgsqlConnectionStringBuilder(cluster.PrimaryConnectionString(Database)) { Pooling = false }.ConnectionString;

    private static async Task OpenAsync(HttpClient http, string url, string agreementId)
    {
        var opened = await http.PostAsJsonAsync($"{url}/api/agreements", new
        {
            agreementId, title = "Two-node agreement", parties = new[] { "UKR", "FRA" },
        });
        opened.StatusCode.ShouldBe(HttpStatusCode.Created, await opened.Content.ReadAsStringAsync());
        var commitment = await http.PostAsJsonAsync($"{url}/api/agreements/{agreementId}/commitments", new
        {
            commitmentId = "c", title = "Joint production", category = "air-defence", responsibleActors = new[] { "UKR" },
        });
        commitment.StatusCode.ShouldBe(HttpStatusCode.Created, await commitment.Content.ReadAsStringAsync());
    }

    private static async Task<HttpStatusCode> RecordAsync(HttpClient http, string url, string agreementId, Guid id)
    {
        using var response = await http.PostAsJsonAsync($"{url}/api/agreements/{agreementId}/statements",
            Api.Statement("c", "announced", id: id));
        return response.StatusCode;
    }

    private static async Task<bool> EvidenceHasAsync(HttpClient http, string url, string agreementId, Guid id) =>
        (await http.GetStringAsync($"{url}/api/reports/evidence?agreement={agreementId}&format=csv")).Contains(id.ToString());

    /// <summary>How long until <paramref name="condition"/> held, or null if it did not within <paramref name="limit"/>.</summary>
    private static async Task<TimeSpan?> EventuallyAsync(Func<Task<bool>> condition, TimeSpan limit)
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < limit)
        {
            if (await condition()) return watch.Elapsed;
            await Task.Delay(20);
        }
        return null;
    }

    /// <summary>B's report connections on this server that began a query at or after <paramref name="since"/> (epoch
    /// seconds, one machine's clock: both servers run here).</summary>
    private static Task<long> ReportQueriesSinceAsync(string server, string node, decimal since) =>
        ScalarAsync<long>(server, $"select count(*) from pg_stat_activity where application_name = '{node} (reports)' " +
                                  $"and query_start >= to_timestamp({since.ToString(System.Globalization.CultureInfo.InvariantCulture)})");

    private static async Task<HashSet<Guid>> StatementIdsAsync(string server)
    {
        await using var conn = new NpgsqlConnection(server);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(
            "select (data->>'statementId')::uuid from tracker.mt_events where data ? 'statementId' and data ? 'content'", conn);
        await using var reader = await cmd.ExecuteReaderAsync();
        var ids = new HashSet<Guid>();
        while (await reader.ReadAsync()) ids.Add(reader.GetGuid(0));
        return ids;
    }

    private static async Task<T> ScalarAsync<T>(string server, string sql)
    {
        await using var conn = new NpgsqlConnection(server);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        return (T)(await cmd.ExecuteScalarAsync())!;
    }
}
