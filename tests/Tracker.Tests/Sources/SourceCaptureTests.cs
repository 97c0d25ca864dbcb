using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Alba;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Tracker.Security;
using Tracker.Tests.Support;

namespace Tracker.Tests.Sources;

/// <summary>The service with capture on, its sources served by a site on 127.0.0.1 (private targets allowed for it,
/// its port the one allowed), fetches cut after 2 s and at 5 MB so that slow and huge answers are quick to show.</summary>
public sealed class CaptureHost : IAsyncLifetime
{
    public IAlbaHost Host { get; private set; } = null!;
    public SourcePages Pages { get; private set; } = null!;
    public string Database { get; private set; } = "";
    public string AnalystToken { get; private set; } = "";

    public async Task InitializeAsync()
    {
        Pages = await SourcePages.StartAsync();
        Database = await TestCluster.NewDatabaseAsync("sources");
        Host = await TrackerApp.StartAsync(Database, ("Tracker:RateLimit:PermitsPerMinute", "100000"),
            ("Tracker:Sources:Capture", "true"), ("Tracker:Sources:AllowPrivateTargets", "true"),
            ("Tracker:Sources:AllowedPorts:0", Pages.Port.ToString()), ("Tracker:Sources:Timeout", "00:00:02"),
            ("Tracker:Sources:MaxBytes", (5 * 1024 * 1024).ToString()), ("Tracker:Sources:PollInterval", "00:00:00.1"));
        AnalystToken = (await Host.Services.GetRequiredService<UserAdministration>().AddAsync(TrackerApp.Analyst, Roles.Analyst)).Token;
    }

    public async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        await Pages.DisposeAsync();
    }
}

/// <summary>An analyst cites a ministry's page: the page is captured within seconds, its bytes hashed, the quote found
/// in it; when the page changes or goes, a recheck flags the statement and keeps both captures; what cannot be fetched
/// safely is refused with a reason, and the statement is recorded all the same.</summary>
public class SourceCaptureTests(CaptureHost host) : IClassFixture<CaptureHost>
{
    private const string Commitment = "air-defence";
    private const string Quote = "The sides agreed to produce air-defence systems jointly";

    private static string Article(string body) => $$"""
        <!doctype html><html><head><title>Ministry of Defence</title><style>p{color:red}</style></head>
        <body><nav>Home | News | Contacts</nav>
        <article><h1>Ministers meet in Brussels</h1>
        <p>The meeting of the defence ministers took place on 5 June in Brussels, where the cooperation was discussed at length
        by the delegations of both countries, who reviewed the progress made since the last meeting in Paris.</p>
        <p>{{body}}</p>
        <p>Further meetings are planned for the autumn, when the working groups will report on their progress to the ministers
        and the timetable for the next phase of the cooperation will be set out in detail.</p>
        </article><footer>© Ministry</footer><script>document.write('x')</script></body></html>
        """;

    private async Task<JsonNode> Send(HttpMethod method, string url, object? body = null, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var result = await host.Host.Scenario(s =>
        {
            if (method == HttpMethod.Get) s.Get.Url(url);
            else s.Post.Json(body!).ToUrl(url);
            s.WithBearerToken(host.AnalystToken);
            s.StatusCodeShouldBe(expected);
        });
        var text = await result.ReadAsTextAsync();
        return text.Length == 0 ? new JsonObject() : JsonNode.Parse(text)!;
    }

    private async Task<string> OpenAsync()
    {
        var id = "src-" + Guid.NewGuid().ToString("N")[..10];
        await Send(HttpMethod.Post, "/api/agreements", new { agreementId = id, title = "Joint production", parties = new[] { "UKR", "FRA" } },
            HttpStatusCode.Created);
        await Send(HttpMethod.Post, $"/api/agreements/{id}/commitments", new { commitmentId = Commitment, title = "Air defence", category = "air-defence" },
            HttpStatusCode.Created);
        return id;
    }

    private async Task<Guid> RecordAsync(string agreement, string url, string quote = Quote)
    {
        var id = Guid.NewGuid();
        await Send(HttpMethod.Post, $"/api/agreements/{agreement}/statements", new
        {
            statementId = id, saidOn = "2025-06-05", speaker = new { name = "Rustem Umerov", actor = "UKR" }, quote, language = "en",
            source = new { outlet = "Ministry of Defence", kind = "press-release", url },
            assertions = new[] { new { commitmentId = Commitment, stage = "announced" } },
        }, HttpStatusCode.Created);
        return id;
    }

    private sealed record Capture(string Quote, string? Sha256, int? Status, string? Refusal, string? Drift, string? Exact, int Round);

    private async Task<List<Capture>> CapturesAsync(string agreement, Guid statement)
    {
        await using var conn = new NpgsqlConnection(host.Database);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("""
            select quote, encode(sha256, 'hex'), status, refusal, drift, selector ->> 'exact', round from tracker.source_captures
            where agreement_id = @a and statement_id = @s order by id
            """, conn);
        cmd.Parameters.AddWithValue("a", agreement);
        cmd.Parameters.AddWithValue("s", statement);
        var rows = new List<Capture>();
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync())
            rows.Add(new Capture(r.GetString(0), r.IsDBNull(1) ? null : r.GetString(1), r.IsDBNull(2) ? null : r.GetInt32(2),
                r.IsDBNull(3) ? null : r.GetString(3), r.IsDBNull(4) ? null : r.GetString(4), r.IsDBNull(5) ? null : r.GetString(5), r.GetInt32(6)));
        return rows;
    }

    private async Task<List<Capture>> WaitForCapturesAsync(string agreement, Guid statement, int count, TimeSpan within)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var rows = await CapturesAsync(agreement, statement);
            if (rows.Count >= count) return rows;
            if (clock.Elapsed > within) throw new ShouldAssertException($"{rows.Count} captures of {statement} after {within}, not {count}");
            await Task.Delay(100);
        }
    }

    private async Task RecheckAsync(string agreement)
    {
        var dataSource = host.Host.Services.GetRequiredService<NpgsqlDataSource>();
        (await Tracker.Sources.Recheck.ScheduleAsync(dataSource, agreement, TimeSpan.Zero, default)).ShouldBeGreaterThan(0);
    }

    [Fact]
    public async Task a_cited_page_is_captured_within_five_seconds_its_hash_that_of_the_served_bytes_and_the_quote_found_despite_typography()
    {
        var agreement = await OpenAsync();
        // The page has typographic quotes, a line break and other case where the analyst typed plain text.
        var html = Article("“The sides agreed to produce AIR-DEFENCE systems\n     jointly”, the minister said, after the talks.");
        host.Pages["/news/1"] = Page.Html(html);
        var statement = await RecordAsync(agreement, host.Pages.Url("/news/1"), "\"The sides agreed to produce air-defence systems jointly\"");

        var capture = (await WaitForCapturesAsync(agreement, statement, 1, TimeSpan.FromSeconds(5))).Single();
        capture.Sha256.ShouldBe(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(html))));
        capture.Status.ShouldBe(200);
        capture.Quote.ShouldBe("found");
        capture.Exact.ShouldBe("The sides agreed to produce AIR-DEFENCE systems\n     jointly");

        // The capture is an event in the hash chain, attributed to the service, and the statement shows it.
        await using (var conn = new NpgsqlConnection(host.Database))
        {
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand("""
                select e.user_name, e.data ->> 'sha256', c.hash is not null from tracker.mt_events e
                join tracker.event_chain c on c.seq_id = e.seq_id where e.stream_id = @s and e.type = 'source_captured'
                """, conn);
            cmd.Parameters.AddWithValue("s", "sources:" + agreement);
            await using var r = await cmd.ExecuteReaderAsync();
            (await r.ReadAsync()).ShouldBeTrue("no SourceCaptured event on the agreement's sources stream");
            r.GetString(0).ShouldBe("tracker-sources");
            r.GetString(1).ShouldBe(capture.Sha256);
            r.GetBoolean(2).ShouldBeTrue();
        }
        var captures = await Send(HttpMethod.Get, $"/api/agreements/{agreement}/statements/{statement}/captures");
        captures["captures"]![0]!["quote"]!.ToString().ShouldBe("found");
        captures["captures"]![0]!["shown"]!.ToString().ShouldBe("quote found in the captured source");

        // The original is served only sandboxed: no scripts, a unique origin, never sniffed.
        var original = await host.Host.Scenario(s =>
        {
            s.Get.Url($"/api/captures/{capture.Sha256}/original");
            s.WithBearerToken(host.AnalystToken);
        });
        original.Context.Response.Headers.ContentSecurityPolicy.ToString().ShouldStartWith("sandbox");
        original.Context.Response.Headers.XContentTypeOptions.ToString().ShouldBe("nosniff");
        (await original.ReadAsTextAsync()).ShouldBe(html);

        // The workbench shows it beside the statement, with the captured copy as text and the original only sandboxed.
        using (var workbench = new WorkbenchClient(host.Host))
        {
            await workbench.SignInAsync(TrackerApp.Analyst, host.AnalystToken);
            var page = await workbench.GetAsync($"/agreements/{agreement}/commitments/{Commitment}");
            page.Element($"statement-{statement}").ShouldContain("quote found in the captured source");
            page.Html.ShouldContain($"/captures/{capture.Sha256}");
            var copy = await workbench.GetAsync($"/captures/{capture.Sha256}");
            copy.Text.ShouldContain("AIR-DEFENCE systems");
            copy.Html.ShouldNotContain("document.write");
            // The original is not served under the session: the workbench sends the reader to its cookieless path.
            var link = await workbench.GetAsync($"/captures/{capture.Sha256}?handler=original");
            link.Status.ShouldBe(HttpStatusCode.Redirect);
            var location = link.Location.ShouldNotBeNull().ToString();
            location.ShouldStartWith("/originals/");
            // Sent with the session cookie (the client keeps it, as a browser would): the cookie is not looked at, none is set.
            var raw = await workbench.GetAsync(location);
            raw.Status.ShouldBe(HttpStatusCode.OK);
            raw.Html.ShouldBe(html);
            raw.Headers["Content-Security-Policy"].ShouldStartWith("sandbox;");
            raw.Headers["Content-Security-Policy"].ShouldNotContain("allow-scripts");
            raw.Headers["Content-Security-Policy"].ShouldNotContain("allow-same-origin");
            raw.Headers["Content-Security-Policy"].ShouldContain("default-src 'none'");
            raw.Headers.ShouldNotContainKey("Set-Cookie");
            await OriginalsAsync(location, html);
        }

        // The analyst's next write is not disturbed by the capture: the agreement's version is the analyst's own.
        var agreementView = await Send(HttpMethod.Get, $"/api/agreements/{agreement}");
        agreementView["version"]!.GetValue<long>().ShouldBe(3);
    }

    /// <summary>The original's link works without any session, whatever Cookie header comes with it; the application never
    /// sees that header and sets none; a link the server did not sign, or one altered, is nothing.</summary>
    private async Task OriginalsAsync(string location, string html)
    {
        using var anonymous = host.Host.Server.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, location);
        request.Headers.Add("Cookie", "tracker-session=forged; other=1");
        using var response = await anonymous.SendAsync(request);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync()).ShouldBe(html);
        response.Headers.Contains("Set-Cookie").ShouldBeFalse();
        response.Content.Headers.ContentType!.MediaType.ShouldBe("text/html");
        response.Headers.GetValues("X-Content-Type-Options").Single().ShouldBe("nosniff");
        response.Headers.GetValues("Content-Security-Policy").Single().ShouldStartWith("sandbox;");

        var capability = location["/originals/".Length..];
        var altered = capability[..^2] + (capability[^2] == 'A' ? "B" : "A") + capability[^1];
        foreach (var bad in new[] { "/originals/" + altered, "/originals/" + new string('a', 64), "/originals/x" })
        {
            using var refused = await anonymous.GetAsync(bad);
            refused.StatusCode.ShouldBe(HttpStatusCode.NotFound, bad);
        }
    }

    [Fact]
    public async Task a_changed_page_is_flagged_as_drift_on_recheck_both_captures_kept_and_the_status_report_lists_it_and_a_404_is_flagged()
    {
        var agreement = await OpenAsync();
        host.Pages["/news/2"] = Page.Html(Article(Quote + ", the minister said."));
        host.Pages["/news/3"] = Page.Html(Article(Quote + ", the minister repeated."));
        var changed = await RecordAsync(agreement, host.Pages.Url("/news/2"));
        var gone = await RecordAsync(agreement, host.Pages.Url("/news/3"));
        (await WaitForCapturesAsync(agreement, changed, 1, TimeSpan.FromSeconds(5))).Single().Quote.ShouldBe("found");
        (await WaitForCapturesAsync(agreement, gone, 1, TimeSpan.FromSeconds(5))).Single().Quote.ShouldBe("found");
        var drifted = await Send(HttpMethod.Get, $"/api/reports/status?agreement={agreement}&sourceDrift=true");
        drifted["rows"]!.AsArray().Count.ShouldBe(0, drifted.ToJsonString());

        host.Pages["/news/2"] = Page.Html(Article("The sides discussed cooperation."));
        host.Pages["/news/3"] = new Page(404, "text/html", Encoding.UTF8.GetBytes("<h1>Not found</h1>"));
        await RecheckAsync(agreement);

        var both = await WaitForCapturesAsync(agreement, changed, 2, TimeSpan.FromSeconds(10));
        both.Select(c => c.Quote).ShouldBe(["found", "not-found"]);
        both[0].Sha256.ShouldNotBe(both[1].Sha256);
        both[1].Drift.ShouldNotBeNull().ShouldContain("quote no longer present");
        var notFound = await WaitForCapturesAsync(agreement, gone, 2, TimeSpan.FromSeconds(10));
        notFound[1].Drift.ShouldNotBeNull().ShouldContain("404");

        // A daily recheck adds a capture a day: the API pages them, newest first, and says how many there are.
        var first = await Send(HttpMethod.Get, $"/api/agreements/{agreement}/statements/{changed}/captures?pageSize=1");
        first["total"]!.GetValue<int>().ShouldBe(2);
        first["captures"]!.AsArray().Single()!["quote"]!.ToString().ShouldBe("not-found");
        var second = await Send(HttpMethod.Get, $"/api/agreements/{agreement}/statements/{changed}/captures?pageSize=1&page=2");
        second["page"]!.GetValue<int>().ShouldBe(2);
        second["captures"]!.AsArray().Single()!["quote"]!.ToString().ShouldBe("found");
        await Send(HttpMethod.Get, $"/api/agreements/{agreement}/statements/{changed}/captures?pageSize=501", expected: HttpStatusCode.BadRequest);

        // Both captures' bytes are still stored.
        await using (var conn = new NpgsqlConnection(host.Database))
        {
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand("select count(*) from tracker.source_blobs where encode(sha256, 'hex') = any(@h)", conn);
            cmd.Parameters.AddWithValue("h", both.Select(c => c.Sha256!).ToArray());
            (await cmd.ExecuteScalarAsync()).ShouldBe(2L);
        }
        drifted = await Send(HttpMethod.Get, $"/api/reports/status?agreement={agreement}&sourceDrift=true");
        drifted["rows"]!.AsArray().Single()!["status"]!["commitmentId"]!.ToString().ShouldBe(Commitment, drifted.ToJsonString());
        var notDrifted = await Send(HttpMethod.Get, $"/api/reports/status?agreement={agreement}&sourceDrift=false");
        notDrifted["rows"]!.AsArray().Count.ShouldBe(0);
        await Send(HttpMethod.Get, "/api/reports/status?sourceDrift=maybe", expected: HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task a_pdfs_text_is_extracted_and_its_quote_found()
    {
        var agreement = await OpenAsync();
        var builder = new UglyToad.PdfPig.Writer.PdfDocumentBuilder();
        var page = builder.AddPage(UglyToad.PdfPig.Content.PageSize.A4);
        var font = builder.AddStandard14Font(UglyToad.PdfPig.Fonts.Standard14Fonts.Standard14Font.Helvetica);
        page.AddText("Joint communique of the ministers", 12, new UglyToad.PdfPig.Core.PdfPoint(50, 750), font);
        page.AddText(Quote + " from 2026.", 12, new UglyToad.PdfPig.Core.PdfPoint(50, 720), font);
        var pdf = builder.Build();
        host.Pages["/communique.pdf"] = new Page(200, "application/pdf", pdf);
        var statement = await RecordAsync(agreement, host.Pages.Url("/communique.pdf"));

        var capture = (await WaitForCapturesAsync(agreement, statement, 1, TimeSpan.FromSeconds(5))).Single();
        capture.Quote.ShouldBe("found");
        capture.Sha256.ShouldBe(Convert.ToHexStringLower(SHA256.HashData(pdf)));
        var text = await host.Host.Scenario(s =>
        {
            s.Get.Url($"/api/captures/{capture.Sha256}/text");
            s.WithBearerToken(host.AnalystToken);
        });
        (await text.ReadAsTextAsync()).ShouldContain(Quote);
    }

    [Fact]
    public async Task what_cannot_be_fetched_safely_is_refused_or_cut_with_a_reason_and_the_statement_is_recorded()
    {
        var agreement = await OpenAsync();
        host.Pages["/hop"] = new Page(302, "text/html", [], Location: "ftp://127.0.0.1/file");
        host.Pages["/hop-port"] = new Page(302, "text/html", [], Location: "http://127.0.0.1:9/admin");
        host.Pages["/huge"] = new Page(200, "application/octet-stream", [], StreamBytes: 50L * 1024 * 1024);
        host.Pages["/slow"] = Page.Html(Article(Quote)) with { Delay = TimeSpan.FromSeconds(60) };
        var cases = new (string Path, string Why)[]
        {
            ("/hop", "http or https"), ("/hop-port", "port 9"), ("/huge", "longer than"), ("/slow", "within 2 s"),
        };
        var statements = new List<(Guid Id, string Why)>();
        foreach (var (path, why) in cases) statements.Add((await RecordAsync(agreement, host.Pages.Url(path)), why));
        foreach (var (id, why) in statements)
        {
            var capture = (await WaitForCapturesAsync(agreement, id, 1, TimeSpan.FromSeconds(15))).Single();
            capture.Quote.ShouldBe("not-captured");
            capture.Sha256.ShouldBeNull();
            capture.Refusal.ShouldNotBeNull().ShouldContain(why);
            var shown = await Send(HttpMethod.Get, $"/api/agreements/{agreement}/statements/{id}/captures");
            shown["captures"]![0]!["shown"]!.ToString().ShouldContain(why);
        }
        // Every statement was recorded, captures or not.
        (await Send(HttpMethod.Get, $"/api/agreements/{agreement}"))["version"]!.GetValue<long>().ShouldBe(2 + cases.Length);
    }

    /// <summary>
    /// An import of statements citing URLs the port rule refuses (no name looked up) commits them at once, so the capturers
    /// find many refusals due together and record them in a few transactions instead of one each (issue 20): still one
    /// capture and one chained <c>SourceCaptured</c> each, with its job's correlation id and reason, while a page that can be
    /// fetched among them is captured as ever, analysts writing meanwhile lose nothing, and the chain verifies.
    /// </summary>
    [Fact]
    public async Task captures_refused_by_the_urls_text_are_recorded_together_one_event_each_and_the_chain_verifies()
    {
        var agreements = new[] { await OpenAsync(), await OpenAsync() };
        host.Pages["/among-refusals"] = Page.Html(Article(Quote));
        var lines = new List<string>();
        var refused = new List<(string Agreement, Guid Id)>();
        var fetched = new List<(string Agreement, Guid Id)>();
        for (var i = 0; i < 40; i++)
        {
            var agreement = agreements[i % 2];
            var id = Guid.NewGuid();
            var url = i % 13 == 5 ? host.Pages.Url("/among-refusals") : $"https://example.org/news/{i}";
            (url.StartsWith("https:") ? refused : fetched).Add((agreement, id));
            lines.Add($$"""{"type":"record-statement","agreementId":"{{agreement}}","statementId":"{{id}}","saidOn":"2025-06-05","speaker":{"name":"S"},"quote":"{{Quote}}","language":"en","source":{"outlet":"O","kind":"official-statement","url":"{{url}}"},"assertions":[{"commitmentId":"{{Commitment}}","stage":"announced"}]}""");
        }
        var file = Path.Combine(Directory.CreateTempSubdirectory("refusals").FullName, "lines.jsonl");
        await File.WriteAllLinesAsync(file, lines);
        var imported = await TrackerProcess.RunAsync(new Dictionary<string, string?> { ["TRACKER_DB"] = host.Database }, "import", file);
        imported.ExitCode.ShouldBe(0, imported.ToString());
        // Analysts keep recording on both agreements while the refusals are recorded: their writes and the batches take
        // turns on the same sources streams and the chain's lock, and nothing is lost or chained twice.
        var concurrent = await Task.WhenAll(Enumerable.Range(0, 4).Select(async w =>
        {
            var mine = new List<(string, Guid)>();
            for (var i = 0; i < 5; i++)
            {
                var agreement = agreements[(w + i) % 2];
                mine.Add((agreement, await RecordAsync(agreement, $"https://example.org/live/{w}/{i}")));
            }
            return mine;
        }));
        refused.AddRange(concurrent.SelectMany(m => m));

        foreach (var (agreement, id) in refused)
        {
            var capture = (await WaitForCapturesAsync(agreement, id, 1, TimeSpan.FromSeconds(30))).Single();
            capture.Quote.ShouldBe("not-captured");
            capture.Refusal.ShouldNotBeNull().ShouldContain("uses port 443");
            (await Send(HttpMethod.Get, $"/api/agreements/{agreement}/statements/{id}/captures"))["captures"]![0]!["shown"]!.ToString()
                .ShouldContain("port 443");
        }
        foreach (var (agreement, id) in fetched)
            (await WaitForCapturesAsync(agreement, id, 1, TimeSpan.FromSeconds(30))).Single().Quote.ShouldBe("found");

        await using var conn = new NpgsqlConnection(host.Database);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("""
            select count(*), count(distinct e.seq_id), count(*) filter (where e.correlation_id = 'capture-' || j.id),
                   count(*) filter (where j.last_error = e.data ->> 'refusal'), count(distinct e.data ->> 'fetchedAt')
            from tracker.capture_jobs j
            join tracker.mt_events e on e.type = 'source_captured' and e.data ->> 'statementId' = j.statement_id::text
            where j.statement_id = any(@ids)
            """, conn);
        cmd.Parameters.AddWithValue("ids", refused.Select(r => r.Id).ToArray());
        await using (var r = await cmd.ExecuteReaderAsync())
        {
            await r.ReadAsync();
            r.GetInt64(0).ShouldBe(refused.Count, "one event per refused capture, none twice");
            r.GetInt64(1).ShouldBe(refused.Count);
            r.GetInt64(2).ShouldBe(refused.Count, "each event keeps its own job's correlation id");
            r.GetInt64(3).ShouldBe(refused.Count, "each job is done with its refusal");
            r.GetInt64(4).ShouldBeLessThan(refused.Count, "refusals due together are recorded together");
        }
        var (exit, report, _) = await Tracker.Tests.Integrity.ChainStore.VerifyAsync(host.Database);
        exit.ShouldBe(0, report.ToJsonString());
    }
}

/// <summary>The refusals of a fetcher configured as in production (no private targets, ports 80 and 443), against
/// loopback addresses only: nothing leaves the machine.</summary>
public class SourceFetcherRefusalTests
{
    private static Tracker.Sources.SourceFetcher Fetcher(bool allowPrivate = false) =>
        new(Microsoft.Extensions.Options.Options.Create(new Tracker.Sources.SourceOptions { AllowPrivateTargets = allowPrivate }));

    [Theory]
    [InlineData("file:///etc/passwd", "http or https")]
    [InlineData("ftp://127.0.0.1/pub", "http or https")]
    [InlineData("http://127.0.0.1/", "loopback")]
    [InlineData("http://127.0.0.1:8080/", "port 8080")]
    [InlineData("http://[::ffff:127.0.0.1]/", "IPv4-mapped")]
    [InlineData("http://[::1]/", "loopback")]
    [InlineData("http://169.254.169.254/latest/meta-data/", "link-local")]
    [InlineData("http://10.0.0.1/", "private")]
    public async Task a_source_that_is_not_a_public_web_page_is_refused_saying_why(string url, string why)
    {
        using var fetcher = Fetcher();
        var fetched = await fetcher.FetchAsync(url, default);
        fetched.Bytes.ShouldBeNull();
        fetched.Refusal.ShouldNotBeNull(url).ShouldContain(why);
    }

    [Fact]
    public void robots_txt_rules_for_our_agent_or_everyone_are_followed_longest_match_first()
    {
        const string robots = "User-agent: *\nDisallow: /private/\n\nUser-agent: Tracker-SourceCapture\nDisallow: /drafts/\nAllow: /drafts/public\n";
        Tracker.Sources.Robots.Allows(robots, "Tracker-SourceCapture", "/drafts/x").ShouldBeFalse();
        Tracker.Sources.Robots.Allows(robots, "Tracker-SourceCapture", "/drafts/public/1").ShouldBeTrue();
        Tracker.Sources.Robots.Allows(robots, "Tracker-SourceCapture", "/private/x").ShouldBeTrue(); // our group replaces *
        Tracker.Sources.Robots.Allows(robots, "OtherBot", "/private/x").ShouldBeFalse();
    }

    [Theory]
    [InlineData("Die Seiten vereinbarten „gemeinsam zu produzieren“.", "vereinbarten \"gemeinsam zu produzieren\"", "vereinbarten „gemeinsam zu produzieren“")]
    [InlineData("He said:  it’s   DONE\u00a0now.", "it's done now", "it’s   DONE\u00a0now")]
    public void a_quote_is_found_whatever_its_whitespace_quotes_and_case(string text, string quote, string exact) =>
        Tracker.Sources.QuoteLocator.Locate(text, quote).ShouldNotBeNull().Exact.ShouldBe(exact);
}
