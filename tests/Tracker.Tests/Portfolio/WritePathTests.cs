using System.Text.Json.Nodes;
using Alba;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Tracker.Portfolio;
using Tracker.Security;
using Tracker.Tests.Support;

namespace Tracker.Tests.Portfolio;

/// <summary>
/// Issue 20: a write keeps the portfolio without paying for the commitment's history, and the writer reads its own
/// write at once, on the commitment's page and in the reports across agreements.
/// </summary>
public class WritePathTests
{
    private static async Task<(IAlbaHost Host, string Token)> StartAsync(string database)
    {
        var host = await TrackerApp.StartAsync(database, ("Tracker:RateLimit:PermitsPerMinute", "100000"));
        var token = (await host.Services.GetRequiredService<UserAdministration>().AddAsync("pat", Roles.Analyst)).Token;
        return (host, token);
    }

    private static async Task<JsonNode> SendAsync(IAlbaHost host, string token, string url, object? body = null,
        int expect = 200)
    {
        var result = await host.Scenario(s =>
        {
            if (body is null) s.Get.Url(url);
            else s.Post.Json(body).ToUrl(url);
            s.WithBearerToken(token);
            s.StatusCodeShouldBe(expect);
        });
        return JsonNode.Parse(await result.ReadAsTextAsync())!;
    }

    private static async Task OpenAsync(IAlbaHost host, string token, string agreement, params string[] commitments)
    {
        await SendAsync(host, token, "/api/agreements", new { agreementId = agreement, title = agreement, parties = new[] { "UKR", "FRA" } }, 201);
        foreach (var c in commitments)
            await SendAsync(host, token, $"/api/agreements/{agreement}/commitments", new { commitmentId = c, title = c, category = "drones" }, 201);
    }

    private static async Task<JsonNode> ReportedAsync(IAlbaHost host, string token, string agreement, string query = "") =>
        (await SendAsync(host, token, $"/api/reports/status?agreement={agreement}{query}"))["rows"]![0]!["status"]!;

    [Fact]
    public async Task the_writer_reads_each_write_at_once_on_the_commitment_and_in_the_status_report()
    {
        var (host, token) = await StartAsync(await TestCluster.NewDatabaseAsync("readyourwrites"));
        await using var _ = host;
        await OpenAsync(host, token, "ryw", "c");
        // Today's news, a backdated statement (evaluated whole), a doubt, a retraction: each read straight after its write.
        (string SaidOn, string Stage)[] writes =
            [("2025-03-01", "announced"), ("2025-03-02", "announced"), ("2025-01-15", "raised"), ("2025-03-03", "signed"),
             ("2025-03-03", "raised"), ("2025-03-10", "signed")];
        var ids = new List<Guid>();
        for (var i = 0; i < writes.Length; i++)
        {
            var id = Guid.NewGuid();
            ids.Add(id);
            await SendAsync(host, token, "/api/agreements/ryw/statements", Api.Statement("c", writes[i].Stage, writes[i].SaidOn, id), 201);

            var own = await SendAsync(host, token, "/api/agreements/ryw/commitments/c");
            own["statementCount"]!.GetValue<int>().ShouldBe(i + 1);
            var reported = await ReportedAsync(host, token, "ryw");
            reported["statementCount"]!.GetValue<int>().ShouldBe(i + 1);
            reported["stage"]!.GetValue<string>().ShouldBe(own["stage"]!.GetValue<string>());
        }
        // "Raised" recorded after "signed" on the same day reads after it: a doubt, kept while signed holds.
        (await ReportedAsync(host, token, "ryw"))["contested"]!.GetValue<bool>().ShouldBeTrue();

        await SendAsync(host, token, $"/api/agreements/ryw/statements/{ids[3]}/retraction", new { reason = "misread" }, 201);
        var after = await ReportedAsync(host, token, "ryw");
        after["statementCount"]!.GetValue<int>().ShouldBe(writes.Length - 1);
        after["stage"]!.GetValue<string>().ShouldBe("signed"); // the last statement still says signed
        after["evidenceCount"]!.GetValue<int>().ShouldBe(1);
        after["contested"]!.GetValue<bool>().ShouldBeFalse(); // the 10 March statement moved it up past the doubt
    }

    [Fact]
    public async Task recording_on_a_commitment_with_a_long_history_reads_none_of_its_statements_and_touches_as_many_rows_as_on_a_new_one()
    {
        var database = await TestCluster.NewDatabaseAsync("longhistory");
        var (host, token) = await StartAsync(database);
        await using var _ = host;
        await OpenAsync(host, token, "long", "hot", "fresh");
        const int history = 200;
        for (var i = 0; i < history; i++)
            await SendAsync(host, token, "/api/agreements/long/statements",
                Api.Statement("hot", i % 7 == 6 ? "raised" : "announced", new DateOnly(2024, 1, 1).AddDays(i).ToString("yyyy-MM-dd"),
                    speaker: $"Speaker {i}"), 201);
        await SendAsync(host, token, "/api/agreements/long/statements", Api.Statement("fresh", "announced", "2024-01-01"), 201);

        // Take away what a whole evaluation would read back: the facts of every statement either commitment counts. A
        // second instance, whose memory holds none of them either, records one more statement on each.
        await using (var conn = new NpgsqlConnection(database))
        {
            await conn.OpenAsync();
            await using var forget = new NpgsqlCommand($"delete from {PortfolioRows.Facts} where commitment_key like 'long/%'", conn);
            (await forget.ExecuteNonQueryAsync()).ShouldBe(history + 1);
        }
        await using var second = await TrackerApp.StartAsync(database, ("Tracker:RateLimit:PermitsPerMinute", "100000"));
        var rowsBefore = await StatusRowsAsync(database);
        foreach (var c in new[] { "hot", "fresh" })
            await SendAsync(second, token, "/api/agreements/long/statements", Api.Statement(c, "announced", "2025-06-05", speaker: "Today"), 201);

        // Had either write read the commitment's statements, it would have found none and counted one.
        var hot = await ReportedAsync(second, token, "long", "&pageSize=1");
        hot["statementCount"]!.GetValue<int>().ShouldBe(history + 1);
        hot["evidenceCount"]!.GetValue<int>().ShouldBe(history - history / 7 + 1); // every seventh one only raised it
        hot["evidence"]!.AsArray()[^1]!["speaker"]!.GetValue<string>().ShouldBe("Today");
        // And the rows it wrote are those of a commitment spoken of once: its open-ended row closed where the new
        // statement starts to count, and two opened (up to that day, and from it on). The same for both.
        var rowsAfter = await StatusRowsAsync(database);
        (rowsAfter["hot"].Rows - rowsBefore["hot"].Rows).ShouldBe(2);
        (rowsAfter["fresh"].Rows - rowsBefore["fresh"].Rows).ShouldBe(2);
        (rowsAfter["hot"].Open - rowsBefore["hot"].Open).ShouldBe(rowsAfter["fresh"].Open - rowsBefore["fresh"].Open);
    }

    /// <summary>Per commitment, its status rows and how many of them are current.</summary>
    private static async Task<Dictionary<string, (long Rows, long Open)>> StatusRowsAsync(string database)
    {
        await using var conn = new NpgsqlConnection(database);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(
            $"select commitment_id, count(*), count(*) filter (where known_to = 'infinity') from {PortfolioRows.Status} group by 1", conn);
        await using var reader = await cmd.ExecuteReaderAsync();
        var rows = new Dictionary<string, (long, long)>();
        while (await reader.ReadAsync()) rows[reader.GetString(0)] = (reader.GetInt64(1), reader.GetInt64(2));
        return rows;
    }
}
