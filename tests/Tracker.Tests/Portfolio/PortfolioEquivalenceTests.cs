using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Alba;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Tracker.Agreements;
using Tracker.Agreements.Storage;
using Tracker.Portfolio;
using Tracker.Reports;
using Tracker.Reports.Rendering;
using Tracker.Security;
using Tracker.Tests.Support;

namespace Tracker.Tests.Portfolio;

/// <summary>
/// The portfolio tables answer reads across agreements on both clocks. They must say exactly what the status rule
/// says over the folded events, for any history and any pair of clocks: random histories (backdated statements,
/// imprecise dates, corrections that move a statement's date or its assertions, retractions, commitments added late)
/// are written over HTTP, then every read is compared with the in-memory definition at random clocks. Own database:
/// the comparison covers the whole portfolio.
/// </summary>
public class PortfolioEquivalenceTests
{
    private static readonly string[] Stages =
        ["raised", "under-examination", "announced", "signed", "binding", "in-effect", "fulfilled", "stalled", "withdrawn", "rejected"];
    private static readonly string[] Actors = ["UKR", "FRA", "DEU", ""];

    /// <param name="reviewerToken">A second analyst, who decides the proposals made on agreements opened with review.</param>
    internal sealed class History(IAlbaHost host, string token, Random random, string? reviewerToken = null)
    {
        public readonly List<DateTimeOffset> Instants = [];
        public readonly List<DateOnly> Dates = [];
        private readonly Dictionary<string, List<string>> commitments = new();
        private readonly List<(string Agreement, Guid Statement)> live = [];
        private readonly HashSet<string> reviewed = [];
        /// <summary>Proposals awaiting a decision, and the statements they are on (no second change is proposed on those).</summary>
        private readonly List<(string Agreement, Guid Statement, string Kind)> awaiting = [];
        /// <summary>New statements returned to their proposer, who may correct and resubmit them.</summary>
        private readonly List<(string Agreement, Guid Statement)> returned = [];
        public readonly Dictionary<string, int> Decisions = new();

        /// <summary>A correction that changes nothing is answered 200 and appends nothing; everything else here is new.</summary>
        public async Task<int> Post(string url, object body, bool mayChangeNothing = false, bool proposal = false, string? as_ = null)
        {
            var result = await host.Scenario(s =>
            {
                s.Post.Json(body).ToUrl(url);
                s.WithBearerToken(as_ ?? token);
                s.IgnoreStatusCode();
            });
            var status = result.Context.Response.StatusCode;
            (status == (proposal ? 202 : 201) || mayChangeNothing && status == 200).ShouldBeTrue($"{url}: {status} {await result.ReadAsTextAsync()}");
            return status;
        }

        public async Task OpenAsync(string agreement, int commitmentCount, bool review = false)
        {
            await Post("/api/agreements", new
            {
                agreementId = agreement, title = $"Agreement {agreement}",
                parties = random.Next(2) == 0 ? new[] { "UKR", "FRA" } : new[] { "UKR", "DEU", "POL" },
                tags = new[] { random.Next(2) == 0 ? "industry" : "aid" },
                review = review ? "required" : "none",
            });
            if (review) reviewed.Add(agreement);
            commitments[agreement] = [];
            for (var i = 0; i < commitmentCount; i++) await AddCommitmentAsync(agreement);
        }

        public async Task AddCommitmentAsync(string agreement)
        {
            var id = $"c{commitments[agreement].Count + 1}";
            await Post($"/api/agreements/{agreement}/commitments", new
            {
                commitmentId = id, title = $"Commitment {id}", category = random.Next(2) == 0 ? "drones" : "air-defence",
            });
            commitments[agreement].Add(id);
        }

        private string SaidOn()
        {
            var day = new DateOnly(2024, 1, 1).AddDays(random.Next(730));
            Dates.Add(day);
            return random.Next(6) switch
            {
                0 => day.ToString("yyyy", CultureInfo.InvariantCulture),
                1 or 2 => day.ToString("yyyy-MM", CultureInfo.InvariantCulture),
                _ => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            };
        }

        private object[] Assertions(string agreement)
        {
            var ids = commitments[agreement].OrderBy(_ => random.Next()).Take(random.Next(5) == 0 ? 2 : 1);
            return ids.Select(c => (object)(random.Next(4) == 0
                ? new { commitmentId = c, stage = Stages[random.Next(Stages.Length)], quantity = new { amount = random.Next(1, 100), unit = "units" } }
                : new { commitmentId = c, stage = Stages[random.Next(Stages.Length)] })).ToArray();
        }

        private bool Busy(string agreement, Guid statement) => awaiting.Any(p => p.Agreement == agreement && p.Statement == statement);

        /// <summary>A reviewer's decision on a random awaiting proposal: approved (it counts from now on), returned or rejected.</summary>
        public async Task DecideAsync()
        {
            var i = random.Next(awaiting.Count);
            var (a, s, kind) = awaiting[i];
            awaiting.RemoveAt(i);
            var roll = random.Next(10);
            // Every kind meets every decision early on; random after that.
            var decidedOfKind = Decisions.Where(d => d.Key.StartsWith(kind + ":", StringComparison.Ordinal)).Sum(d => d.Value);
            var decision = decidedOfKind < 3 ? new[] { "reject", "return", "approve" }[decidedOfKind]
                : roll < 6 ? "approve" : roll < 8 ? "return" : "reject";
            Decisions[$"{kind}:{decision}"] = Decisions.GetValueOrDefault($"{kind}:{decision}") + 1;
            await Post($"/api/agreements/{a}/statements/{s}/review",
                new { decision, reason = decision == "approve" ? null : "checked against the source" }, as_: reviewerToken);
            switch (kind, decision)
            {
                case ("statement", "approve"): live.Add((a, s)); break;
                case ("statement", "return"): returned.Add((a, s)); break;
                case ("retraction", "approve"): live.Remove((a, s)); break;
            }
        }

        public async Task StepAsync(string[] agreements)
        {
            var agreement = agreements[random.Next(agreements.Length)];
            var roll = random.Next(100);
            if (reviewerToken is not null && (roll < 30 && awaiting.Count > 0 || awaiting.Count > 12))
            {
                await DecideAsync();
                return;
            }
            if (returned.Count > 0 && roll < 36)
            {
                // The proposer corrects a returned statement: proposed again, revised.
                var r = returned[random.Next(returned.Count)];
                returned.Remove(r);
                await Post($"/api/agreements/{r.Agreement}/statements/{r.Statement}/corrections",
                    new { correctionId = Guid.NewGuid(), reason = "as the reviewer asked", changes = new { saidOn = SaidOn(), assertions = Assertions(r.Agreement) } },
                    proposal: true);
                awaiting.Add((r.Agreement, r.Statement, "statement"));
                return;
            }
            var open = live.Where(x => !Busy(x.Agreement, x.Statement)).ToList();
            if (roll < 62 || open.Count == 0)
            {
                var id = Guid.NewGuid();
                var actor = Actors[random.Next(Actors.Length)];
                await Post($"/api/agreements/{agreement}/statements", new
                {
                    statementId = id, saidOn = SaidOn(),
                    speaker = actor.Length > 0 ? (object)new { name = $"Speaker {actor}", actor } : new { name = "An outlet's summary" },
                    quote = $"Quote {random.Next()}", language = "en",
                    source = new { outlet = random.Next(2) == 0 ? "Outlet A" : "Outlet B", kind = "media-report" },
                    assertions = Assertions(agreement),
                }, proposal: reviewed.Contains(agreement));
                if (reviewed.Contains(agreement)) awaiting.Add((agreement, id, "statement"));
                else live.Add((agreement, id));
            }
            else if (roll < 88)
            {
                var (a, s) = open[random.Next(open.Count)];
                object changes = random.Next(4) switch
                {
                    0 => new { saidOn = SaidOn() },
                    1 => new { assertions = Assertions(a) },
                    2 => new { speaker = new { name = "Corrected speaker", actor = "FRA" } },
                    _ => new { quote = "A corrected quote", saidOn = SaidOn(), assertions = Assertions(a) },
                };
                var status = await Post($"/api/agreements/{a}/statements/{s}/corrections",
                    new { correctionId = Guid.NewGuid(), reason = "re-read the source", changes }, mayChangeNothing: true,
                    proposal: reviewed.Contains(a));
                if (status == 202) awaiting.Add((a, s, "correction"));
            }
            else if (roll < 96)
            {
                var (a, s) = open[random.Next(open.Count)];
                await Post($"/api/agreements/{a}/statements/{s}/retraction", new { reason = "source withdrawn" }, proposal: reviewed.Contains(a));
                if (reviewed.Contains(a)) awaiting.Add((a, s, "retraction"));
                else live.Remove((a, s));
            }
            else await AddCommitmentAsync(agreement);
        }

        /// <summary>An instant between two writes (record times are a database server's, so take them from it).</summary>
        public async Task MarkAsync(string connectionString)
        {
            await using var conn = new NpgsqlConnection(connectionString);
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand("select clock_timestamp()", conn);
            Instants.Add((DateTimeOffset)(DateTime)(await cmd.ExecuteScalarAsync())!);
        }
    }

    [Fact]
    public async Task random_histories_read_from_the_portfolio_equal_the_status_rule_over_the_folded_events()
    {
        var database = await TestCluster.NewDatabaseAsync("equivalence");
        await using var host = await TrackerApp.StartAsync(database, ("Tracker:RateLimit:PermitsPerMinute", "100000"));
        var token = (await host.Services.GetRequiredService<UserAdministration>().AddAsync("eve", Roles.Analyst)).Token;
        var random = new Random(20261201);
        var history = new History(host, token, random);
        await history.MarkAsync(database); // before anything was known
        string[] agreements = ["eq-alpha", "eq-bravo", "eq-charlie"];
        foreach (var a in agreements) await history.OpenAsync(a, random.Next(1, 4));
        for (var step = 0; step < 160; step++)
        {
            await history.StepAsync(agreements);
            if (step % 8 == 7) await history.MarkAsync(database);
        }

        var store = host.Services.GetRequiredService<IDocumentStore>();
        var checkedPairs = 0;
        var asOfs = new List<DateOnly?> { null, new DateOnly(2023, 12, 31), new DateOnly(2026, 1, 1) };
        asOfs.AddRange(history.Dates.OrderBy(_ => random.Next()).Take(12).SelectMany(d => new DateOnly?[]
        {
            d, d.AddDays(-1), new DateOnly(d.Year, d.Month, DateTime.DaysInMonth(d.Year, d.Month)), new DateOnly(d.Year, 12, 31),
        }));
        var knownAts = new List<DateTimeOffset?> { null };
        knownAts.AddRange(history.Instants.Select(i => (DateTimeOffset?)i));
        foreach (var knownAt in knownAts)
        {
            var folded = await FoldAsync(store, agreements, knownAt);
            foreach (var asOf in asOfs.OrderBy(_ => random.Next()).Take(8).Append(null).Distinct())
            {
                await ShouldAgreeAsync(host, token, folded, asOf, knownAt);
                checkedPairs++;
            }
            var from = new DateOnly(2024, 1, 1).AddDays(random.Next(600));
            await ChangesShouldAgreeAsync(host, token, folded, from, from.AddDays(random.Next(1, 200)), knownAt);
        }
        checkedPairs.ShouldBeGreaterThan(150);
    }

    /// <summary>
    /// The same comparison where review is required on some agreements: statements, corrections and retractions are
    /// proposed, then approved, returned (and resubmitted) or rejected by a second analyst. A proposal must count from
    /// its approval's record time with its own said-on date, and never before; the projections learn nothing of review.
    /// </summary>
    [Fact]
    public async Task random_histories_with_review_read_from_the_portfolio_equal_the_status_rule_over_the_folded_events()
    {
        var database = await TestCluster.NewDatabaseAsync("equivalencereview");
        await using var host = await TrackerApp.StartAsync(database, ("Tracker:RateLimit:PermitsPerMinute", "100000"));
        var users = host.Services.GetRequiredService<UserAdministration>();
        var token = (await users.AddAsync("eve", Roles.Analyst)).Token;
        var reviewer = (await users.AddAsync("rob", Roles.Reviewer)).Token;
        var random = new Random(20261207);
        var history = new History(host, token, random, reviewer);
        await history.MarkAsync(database);
        string[] agreements = ["rv-alpha", "rv-bravo", "rv-charlie"];
        await history.OpenAsync(agreements[0], 2, review: true);
        await history.OpenAsync(agreements[1], 3, review: true);
        await history.OpenAsync(agreements[2], 2);
        for (var step = 0; step < 240; step++)
        {
            await history.StepAsync(agreements);
            if (step % 8 == 7) await history.MarkAsync(database);
        }
        foreach (var kind in new[] { "statement", "correction", "retraction" })
        foreach (var decision in new[] { "approve", "return", "reject" })
            history.Decisions.GetValueOrDefault($"{kind}:{decision}").ShouldBeGreaterThan(0, $"no {kind} was decided '{decision}': {string.Join(", ", history.Decisions)}");

        var store = host.Services.GetRequiredService<IDocumentStore>();
        var asOfs = new List<DateOnly?> { null, new DateOnly(2025, 1, 1) };
        asOfs.AddRange(history.Dates.OrderBy(_ => random.Next()).Take(10).SelectMany(d => new DateOnly?[] { d, d.AddDays(-1) }));
        var knownAts = new List<DateTimeOffset?> { null };
        knownAts.AddRange(history.Instants.Select(i => (DateTimeOffset?)i));
        var checkedPairs = 0;
        foreach (var knownAt in knownAts)
        {
            var folded = await FoldAsync(store, agreements, knownAt);
            foreach (var asOf in asOfs.OrderBy(_ => random.Next()).Take(6).Append(null).Distinct())
            {
                await ShouldAgreeAsync(host, token, folded, asOf, knownAt);
                checkedPairs++;
            }
            var from = new DateOnly(2024, 1, 1).AddDays(random.Next(600));
            await ChangesShouldAgreeAsync(host, token, folded, from, from.AddDays(random.Next(1, 200)), knownAt);
        }
        checkedPairs.ShouldBeGreaterThan(120);
    }

    [Fact]
    public async Task a_rebuild_of_the_portfolio_from_the_events_gives_exactly_what_was_kept_live()
    {
        var database = await TestCluster.NewDatabaseAsync("portfoliorebuild");
        await using var host = await TrackerApp.StartAsync(database, ("Tracker:RateLimit:PermitsPerMinute", "100000"));
        var token = (await host.Services.GetRequiredService<UserAdministration>().AddAsync("eve", Roles.Analyst)).Token;
        var random = new Random(7);
        var history = new History(host, token, random);
        string[] agreements = ["rb-one", "rb-two"];
        foreach (var a in agreements) await history.OpenAsync(a, 3);
        for (var step = 0; step < 80; step++) await history.StepAsync(agreements);

        var live = await DumpAsync(database);
        live.ShouldContain("portfolio_status");
        await using (var conn = new NpgsqlConnection(database))
        {
            // Damage it, so the rebuild has something to restore.
            await conn.OpenAsync();
            await using var damage = new NpgsqlCommand(
                $"delete from {PortfolioRows.Status} where ordinal % 2 = 0; update {PortfolioRows.Transitions} set said_end = '2000-01-01'", conn);
            await damage.ExecuteNonQueryAsync();
        }
        (await DumpAsync(database)).ShouldNotBe(live);

        var store = host.Services.GetRequiredService<IDocumentStore>();
        using (var daemon = await store.BuildProjectionDaemonAsync())
            await daemon.RebuildProjectionAsync(PortfolioProjection.ProjectionName, TimeSpan.FromMinutes(2), CancellationToken.None);

        (await DumpAsync(database)).ShouldBe(live);
    }

    private static async Task<string> DumpAsync(string database)
    {
        await using var conn = new NpgsqlConnection(database);
        await conn.OpenAsync();
        var dump = new System.Text.StringBuilder();
        foreach (var table in PortfolioRows.Tables)
        {
            dump.Append(table).Append('\n');
            await using var cmd = new NpgsqlCommand($"select t::text from {table} t order by t::text collate \"C\"", conn);
            await using var reader = await cmd.ExecuteReaderAsync();
            while (await reader.ReadAsync()) dump.Append(reader.GetString(0)).Append('\n');
        }
        return dump.ToString();
    }

    private static async Task<List<Agreement>> FoldAsync(IDocumentStore store, string[] ids, DateTimeOffset? knownAt)
    {
        await using var session = store.QuerySession();
        var agreements = new List<Agreement>();
        foreach (var id in ids)
            if (await session.LoadAsync(id, knownAt) is { } a) agreements.Add(a);
        return agreements;
    }

    private static string Query(params (string Name, string? Value)[] parameters) =>
        string.Join("&", parameters.Where(p => p.Value is not null).Select(p => $"{p.Name}={Uri.EscapeDataString(p.Value!)}"));

    private static string? Text(DateOnly? d) => d?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
    private static string? Text(DateTimeOffset? t) => t is { } i ? ReportText.Instant(i) : null;

    private static async Task<JsonNode> GetAsync(IAlbaHost host, string token, string url)
    {
        var result = await host.Scenario(s =>
        {
            s.Get.Url(url);
            s.WithBearerToken(token);
            s.StatusCodeShouldBe(200);
        });
        return JsonNode.Parse(await result.ReadAsTextAsync())!;
    }

    private static JsonNode? Expected(object value) => JsonSerializer.SerializeToNode(value, JsonReport.Options);

    private static async Task ShouldAgreeAsync(IAlbaHost host, string token, List<Agreement> folded, DateOnly? asOf,
        DateTimeOffset? knownAt)
    {
        var clocks = $"asOf {Text(asOf) ?? "latest"}, knownAt {Text(knownAt) ?? "now"}";
        var report = await GetAsync(host, token,
            "/api/reports/status?" + Query(("asOf", Text(asOf)), ("knownAt", Text(knownAt)), ("pageSize", "500")));
        var expected = StatusReport.Build(folded, new StatusReportFilter(), asOf, knownAt, DateTimeOffset.UtcNow);
        JsonNode.DeepEquals(report["rows"], Expected(expected.Rows)).ShouldBeTrue(
            $"status rows differ at {clocks}:\nportfolio {report["rows"]!.ToJsonString()}\nfold      {Expected(expected.Rows)!.ToJsonString()}");
        JsonNode.DeepEquals(report["totalsByStage"], Expected(expected.TotalsByStage)).ShouldBeTrue($"totals differ at {clocks}");
        report["total"]!.GetValue<int>().ShouldBe(expected.Rows.Count);

        var filtered = StatusReport.Build(folded, new StatusReportFilter(Party: "deu", Category: Category.Drones), asOf, knownAt,
            DateTimeOffset.UtcNow);
        var page = await GetAsync(host, token, "/api/reports/status?" + Query(("asOf", Text(asOf)), ("knownAt", Text(knownAt)),
            ("party", "deu"), ("category", "drones"), ("page", "2"), ("pageSize", "2")));
        JsonNode.DeepEquals(page["rows"], Expected(filtered.Rows.Skip(2).Take(2).ToList())).ShouldBeTrue($"page 2 differs at {clocks}");
        page["total"]!.GetValue<int>().ShouldBe(filtered.Rows.Count);

        var contested = StatusReport.Build(folded, new StatusReportFilter(Contested: true), asOf, knownAt, DateTimeOffset.UtcNow);
        var contestedPage = await GetAsync(host, token, "/api/reports/status?" + Query(("asOf", Text(asOf)),
            ("knownAt", Text(knownAt)), ("contested", "true"), ("pageSize", "500")));
        JsonNode.DeepEquals(contestedPage["rows"], Expected(contested.Rows)).ShouldBeTrue($"contested rows differ at {clocks}");
        JsonNode.DeepEquals(contestedPage["totalsByStage"], Expected(contested.TotalsByStage)).ShouldBeTrue($"contested totals differ at {clocks}");

        var list = await GetAsync(host, token,
            "/api/agreements?" + Query(("asOf", Text(asOf)), ("knownAt", Text(knownAt)), ("pageSize", "500")));
        var summaries = folded.OrderBy(a => a.Id, StringComparer.Ordinal).Select(a => AgreementSummary.Of(a, asOf)).ToList();
        JsonNode.DeepEquals(list["items"], Expected(summaries)).ShouldBeTrue(
            $"agreement summaries differ at {clocks}:\nportfolio {list["items"]!.ToJsonString()}\nfold      {Expected(summaries)!.ToJsonString()}");
    }

    private static async Task ChangesShouldAgreeAsync(IAlbaHost host, string token, List<Agreement> folded, DateOnly from,
        DateOnly to, DateTimeOffset? knownAt)
    {
        var report = await GetAsync(host, token, "/api/reports/changes?" +
            Query(("from", Text(from)), ("to", Text(to)), ("knownAt", Text(knownAt)), ("pageSize", "500")));
        var expected = ChangesReport.Build(folded, from, to, knownAt, DateTimeOffset.UtcNow);
        JsonNode.DeepEquals(report["changes"], Expected(expected.Changes)).ShouldBeTrue(
            $"changes {from}..{to} differ at knownAt {Text(knownAt) ?? "now"}:\nportfolio {report["changes"]!.ToJsonString()}\nfold      {Expected(expected.Changes)!.ToJsonString()}");
    }
}
