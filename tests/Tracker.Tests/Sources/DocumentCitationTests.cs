using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Alba;
using Microsoft.AspNetCore.TestHost;
using Npgsql;
using Tracker.Tests.Reports;
using Tracker.Tests.Support;

namespace Tracker.Tests.Sources;

/// <summary>A statement citing the agreement's own document (with a page) instead of a URL: checked to be that
/// agreement's, its quote located in the document's text like a capture's, and shown in history, the evidence table
/// and the workbench with a link to the document; a statement citing a page shows its capture the same way.</summary>
public class DocumentCitationTests(CaptureHost host) : IClassFixture<CaptureHost>
{
    private const string Commitment = "air-defence";
    private const string Quote = "The sides agreed to produce air-defence systems jointly";

    private async Task<(HttpStatusCode Status, JsonNode? Body)> Send(HttpMethod method, string url, object? body = null)
    {
        var result = await host.Host.Scenario(s =>
        {
            if (method == HttpMethod.Get) s.Get.Url(url);
            else s.Post.Json(body!).ToUrl(url);
            s.WithBearerToken(host.AnalystToken);
            s.IgnoreStatusCode();
        });
        var text = await result.ReadAsTextAsync();
        return ((HttpStatusCode)result.Context.Response.StatusCode, text.Length == 0 || text[0] is not ('{' or '[') ? null : JsonNode.Parse(text));
    }

    private async Task<string> OpenAsync()
    {
        var id = "doc-" + Guid.NewGuid().ToString("N")[..10];
        (await Send(HttpMethod.Post, "/api/agreements", new { agreementId = id, title = "Joint production", parties = new[] { "UKR", "FRA" } }))
            .Status.ShouldBe(HttpStatusCode.Created);
        (await Send(HttpMethod.Post, $"/api/agreements/{id}/commitments", new { commitmentId = Commitment, title = "Air defence", category = "air-defence" }))
            .Status.ShouldBe(HttpStatusCode.Created);
        return id;
    }

    private async Task<(Guid Id, string Sha256)> AttachAsync(string agreement, string text)
    {
        using var http = host.Host.Server.CreateClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", host.AnalystToken);
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(Encoding.UTF8.GetBytes(text));
        file.Headers.ContentType = new MediaTypeHeaderValue("text/plain");
        form.Add(file, "file", "communique.txt");
        form.Add(new StringContent("Joint communiqué"), "title");
        using var response = await http.PostAsync($"/api/agreements/{agreement}/documents", form);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        response.StatusCode.ShouldBe(HttpStatusCode.Created, body.ToJsonString());
        return (Guid.Parse(body["documentId"]!.ToString()), body["sha256"]!.ToString());
    }

    [Fact]
    public async Task an_agreement_with_many_documents_lists_them_page_by_page_newest_first_with_the_count_of_all()
    {
        var agreement = await OpenAsync();
        var attached = new List<Guid>();
        for (var i = 0; i < 3; i++) attached.Add((await AttachAsync(agreement, $"Communiqué number {i}.")).Id);

        var (status, first) = await Send(HttpMethod.Get, $"/api/agreements/{agreement}/documents?pageSize=2");
        status.ShouldBe(HttpStatusCode.OK);
        first!["total"]!.GetValue<int>().ShouldBe(3);
        var (_, second) = await Send(HttpMethod.Get, $"/api/agreements/{agreement}/documents?pageSize=2&page=2");
        var listed = first["documents"]!.AsArray().Concat(second!["documents"]!.AsArray())
            .Select(d => Guid.Parse(d!["documentId"]!.ToString())).ToList();
        listed.ShouldBe(Enumerable.Reverse(attached).ToList());
        (await Send(HttpMethod.Get, $"/api/agreements/{agreement}/documents?page=0")).Status.ShouldBe(HttpStatusCode.BadRequest);
    }

    private static object Statement(Guid id, object source, string quote = Quote) => new
    {
        statementId = id, saidOn = "2025-06-05", speaker = new { name = "Rustem Umerov", actor = "UKR" }, quote, language = "en", source,
        assertions = new[] { new { commitmentId = Commitment, stage = "announced" } },
    };

    private async Task<JsonNode> HistoryEntryAsync(string agreement, Guid statement, Func<JsonNode, bool> until)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var (status, history) = await Send(HttpMethod.Get, $"/api/agreements/{agreement}/commitments/{Commitment}/history");
            status.ShouldBe(HttpStatusCode.OK);
            var entry = history!["entries"]!.AsArray().Select(e => e!["statement"]).OfType<JsonNode>()
                .Single(s => s["statementId"]!.ToString() == statement.ToString());
            if (until(entry)) return entry;
            if (clock.Elapsed > TimeSpan.FromSeconds(10)) throw new ShouldAssertException($"history never showed it: {entry.ToJsonString()}");
            await Task.Delay(100);
        }
    }

    private async Task<List<Dictionary<string, string>>> EvidenceAsync(string agreement)
    {
        var result = await host.Host.Scenario(s =>
        {
            s.Get.Url($"/api/reports/evidence?agreement={agreement}");
            s.WithBearerToken(host.AnalystToken);
        });
        var records = CsvText.Parse(await result.ReadAsTextAsync());
        return records.Skip(1).Select(r => records[0].Zip(r).ToDictionary(p => p.First, p => p.Second)).ToList();
    }

    [Fact]
    public async Task a_statement_citing_a_page_of_an_attached_document_has_its_quote_found_there_and_shown_with_a_link_everywhere()
    {
        var agreement = await OpenAsync();
        var (document, sha) = await AttachAsync(agreement,
            "JOINT COMMUNIQUÉ\n\nPage 1. The ministers met in Brussels.\n\nPage 2. “The sides agreed to produce AIR-DEFENCE systems\n   jointly”.\n");
        var statement = Guid.NewGuid();
        var (status, body) = await Send(HttpMethod.Post, $"/api/agreements/{agreement}/statements",
            Statement(statement, new { outlet = "Ministry of Defence", kind = "official-statement", documentId = document, page = 2, paragraph = 1 }));
        status.ShouldBe(HttpStatusCode.Created, body?.ToJsonString());

        // History: the document named, with where in it and a link to its text; the quote found in it.
        var entry = await HistoryEntryAsync(agreement, statement, e => e["sourceCheck"] is not null);
        entry["document"]!["documentId"]!.ToString().ShouldBe(document.ToString());
        entry["document"]!["page"]!.GetValue<int>().ShouldBe(2);
        entry["document"]!["fileName"]!.ToString().ShouldBe("communique.txt");
        entry["document"]!["link"]!.ToString().ShouldBe($"/api/captures/{sha}/text");
        entry["sourceCheck"]!["quote"]!.ToString().ShouldBe("found");
        entry["sourceCheck"]!["shown"]!.ToString().ShouldBe("quote found in the cited document");
        entry["sourceCheck"]!["capturedCopy"]!.ToString().ShouldBe($"/api/captures/{sha}/text");

        // The capture names the document's bytes and where the quote is in its text; the document is not fetched.
        var (_, captures) = await Send(HttpMethod.Get, $"/api/agreements/{agreement}/statements/{statement}/captures");
        var capture = captures!["captures"]![0]!;
        capture["url"]!.ToString().ShouldBe($"document:{document}");
        capture["sha256"]!.ToString().ShouldBe(sha);
        capture["selector"]!["exact"]!.ToString().ShouldBe("The sides agreed to produce AIR-DEFENCE systems\n   jointly");

        // The evidence table (written by PostgreSQL) says the same, with the document, the page and the link.
        var row = (await EvidenceAsync(agreement)).Single();
        row["source_document"].ShouldBe(document.ToString());
        row["source_pinpoint"].ShouldBe("p. 2, ¶ 1");
        row["source_check"].ShouldBe("quote found in the cited document");
        row["captured_copy"].ShouldBe($"/api/captures/{sha}/text");

        // The workbench shows it on the statement, with links to the document and its text; its form offers the document.
        using var workbench = new WorkbenchClient(host.Host);
        await workbench.SignInAsync(TrackerApp.Analyst, host.AnalystToken);
        var page = await workbench.GetAsync($"/agreements/{agreement}/commitments/{Commitment}");
        var shown = page.Element($"statement-{statement}");
        shown.ShouldContain("quote found in the cited document");
        shown.ShouldContain("Joint communiqué");
        shown.ShouldContain("p. 2, ¶ 1");
        page.Html.ShouldContain($"/captures/{sha}");
        page.Html.ShouldContain($"/agreements/{agreement}/documents#document-{document}");
        var form = await workbench.GetAsync($"/agreements/{agreement}/statements/new");
        form.Html.ShouldContain($"value=\"{document}\"");
    }

    [Fact]
    public async Task the_workbench_form_records_a_statement_citing_a_document_and_names_a_bad_page_beside_its_field()
    {
        var agreement = await OpenAsync();
        var (document, _) = await AttachAsync(agreement, "Page one. " + Quote + ".");
        using var workbench = new WorkbenchClient(host.Host);
        await workbench.SignInAsync(TrackerApp.Analyst, host.AnalystToken);
        var form = await workbench.GetAsync($"/agreements/{agreement}/statements/new");
        var id = form.InputValue("Form.StatementId");
        (string, string)[] Fields(string page) =>
        [
            ("Form.StatementId", id), ("Form.SaidOn", "2025-06-05"), ("Form.SpeakerName", "Rustem Umerov"), ("Form.Quote", Quote),
            ("Form.Language", "en"), ("Form.Outlet", "Ministry of Defence"), ("Form.Kind", "official-statement"),
            ("Form.DocumentId", document.ToString()), ("Form.Page", page),
            ("Form.Assertions[0].CommitmentId", Commitment), ("Form.Assertions[0].Stage", "announced"),
        ];
        var refused = await workbench.PostAsync(form, $"/agreements/{agreement}/statements/new?handler=save", Fields("0"));
        refused.Status.ShouldBe(HttpStatusCode.BadRequest, refused.Text);
        refused.Element("page-error").ShouldContain("pages are counted from 1");
        var saved = await workbench.PostAsync(form, $"/agreements/{agreement}/statements/new?handler=save", Fields("1"));
        saved.Status.ShouldBe(HttpStatusCode.Redirect, saved.Text);
        var entry = await HistoryEntryAsync(agreement, Guid.Parse(id), e => e["sourceCheck"] is not null);
        entry["document"]!["documentId"]!.ToString().ShouldBe(document.ToString());
        entry["sourceCheck"]!["quote"]!.ToString().ShouldBe("found");
    }

    [Fact]
    public async Task a_document_that_is_not_the_agreements_or_a_page_below_one_is_refused_naming_the_field_and_a_correction_may_cite_one()
    {
        var agreement = await OpenAsync();
        var other = await OpenAsync();
        var (document, _) = await AttachAsync(agreement, "The text. " + Quote + ".");
        var (elsewhere, _) = await AttachAsync(other, "Another text.");
        var cases = new (object Source, string Field, string Reason)[]
        {
            (new { outlet = "M", kind = "official-statement", documentId = Guid.NewGuid() }, "source.documentId", "is not attached to this agreement"),
            (new { outlet = "M", kind = "official-statement", documentId = elsewhere }, "source.documentId", "is not attached to this agreement"),
            (new { outlet = "M", kind = "official-statement", documentId = document, page = 0 }, "source.page", "counted from 1"),
            (new { outlet = "M", kind = "official-statement", documentId = document, paragraph = -2 }, "source.paragraph", "counted from 1"),
            (new { outlet = "M", kind = "official-statement", page = 3 }, "source.page", "give the document too"),
        };
        foreach (var (source, field, reason) in cases)
        {
            var (status, body) = await Send(HttpMethod.Post, $"/api/agreements/{agreement}/statements", Statement(Guid.NewGuid(), source));
            status.ShouldBe(HttpStatusCode.BadRequest, body?.ToJsonString());
            body!["errors"]![field]!.AsArray().Single()!.ToString().ShouldContain(reason, customMessage: body.ToJsonString());
        }
        (await Send(HttpMethod.Get, $"/api/agreements/{agreement}")).Body!["version"]!.GetValue<long>().ShouldBe(2, "nothing was recorded");

        // A statement recorded with only a URL is corrected to cite the document as well: its quote is then looked for there.
        host.Pages["/gone-soon"] = Page.Html("<html><body><p>Nothing here.</p></body></html>");
        var statement = Guid.NewGuid();
        (await Send(HttpMethod.Post, $"/api/agreements/{agreement}/statements",
            Statement(statement, new { outlet = "M", kind = "official-statement", url = host.Pages.Url("/gone-soon") }))).Status.ShouldBe(HttpStatusCode.Created);
        var (corrected, correction) = await Send(HttpMethod.Post, $"/api/agreements/{agreement}/statements/{statement}/corrections", new
        {
            changes = new { source = new { outlet = "M", kind = "official-statement", url = host.Pages.Url("/gone-soon"), documentId = document, page = 1 } },
            reason = "the communiqué says it",
        });
        corrected.ShouldBeOneOf([HttpStatusCode.OK, HttpStatusCode.Created], correction?.ToJsonString());
        var (refusedStatus, refused) = await Send(HttpMethod.Post, $"/api/agreements/{agreement}/statements/{statement}/corrections", new
        {
            changes = new { source = new { outlet = "M", kind = "official-statement", documentId = elsewhere } }, reason = "wrong",
        });
        refusedStatus.ShouldBe(HttpStatusCode.BadRequest);
        refused!["errors"]!["changes.source.documentId"].ShouldNotBeNull(refused.ToJsonString());

        await using var conn = new NpgsqlConnection(host.Database);
        await conn.OpenAsync();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            await using var cmd = new NpgsqlCommand(
                "select quote from tracker.source_captures where agreement_id = @a and statement_id = @s and url = @u", conn);
            cmd.Parameters.AddWithValue("a", agreement);
            cmd.Parameters.AddWithValue("s", statement);
            cmd.Parameters.AddWithValue("u", $"document:{document}");
            if (await cmd.ExecuteScalarAsync() is string quote)
            {
                quote.ShouldBe("found");
                await using var both = new NpgsqlCommand("select count(*) from tracker.source_captures where agreement_id = @a and statement_id = @s", conn);
                both.Parameters.AddWithValue("a", agreement);
                both.Parameters.AddWithValue("s", statement);
                if (await both.ExecuteScalarAsync() is 2L) break;
            }
            clock.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(10));
            await Task.Delay(100);
        }
        // Both the page's capture (quote not found) and the document's (found) are kept; the page's is the one shown.
        var entry = await HistoryEntryAsync(agreement, statement, e => e["sourceCheck"] is not null);
        entry["sourceCheck"]!["shown"]!.ToString().ShouldBe("quote not found in the captured source");
    }

    [Fact]
    public async Task the_evidence_table_and_history_say_whether_the_quote_was_found_in_the_captured_page_with_its_link()
    {
        var agreement = await OpenAsync();
        var token = "zeta" + Guid.NewGuid().ToString("N")[..8];
        host.Pages["/evidence/1"] = Page.Html($"<html><body><article><p>{Quote} {token}, the minister said.</p></article></body></html>");
        host.Pages["/evidence/2"] = Page.Html("<html><body><article><p>The talks went on.</p></article></body></html>");
        var found = Guid.NewGuid();
        var missing = Guid.NewGuid();
        (await Send(HttpMethod.Post, $"/api/agreements/{agreement}/statements",
            Statement(found, new { outlet = "M", kind = "press-release", url = host.Pages.Url("/evidence/1") }, $"{Quote} {token}"))).Status.ShouldBe(HttpStatusCode.Created);
        (await Send(HttpMethod.Post, $"/api/agreements/{agreement}/statements",
            Statement(missing, new { outlet = "M", kind = "press-release", url = host.Pages.Url("/evidence/2") }))).Status.ShouldBe(HttpStatusCode.Created);
        var foundEntry = await HistoryEntryAsync(agreement, found, e => e["sourceCheck"] is not null);
        foundEntry["sourceCheck"]!["shown"]!.ToString().ShouldBe("quote found in the captured source");
        foundEntry["document"].ShouldBeNull();
        var missingEntry = await HistoryEntryAsync(agreement, missing, e => e["sourceCheck"] is not null);
        missingEntry["sourceCheck"]!["shown"]!.ToString().ShouldBe("quote not found in the captured source");

        var rows = await EvidenceAsync(agreement);
        rows.Single(r => r["statement_id"] == found.ToString())["source_check"].ShouldBe("quote found in the captured source");
        rows.Single(r => r["statement_id"] == found.ToString())["captured_copy"].ShouldBe(foundEntry["sourceCheck"]!["capturedCopy"]!.ToString());
        rows.Single(r => r["statement_id"] == missing.ToString())["source_check"].ShouldBe("quote not found in the captured source");
        rows.ShouldAllBe(r => r["source_document"] == "" && r["source_pinpoint"] == "");

        // The workbench's search shows it beside the hit, too.
        using var workbench = new WorkbenchClient(host.Host);
        await workbench.SignInAsync(TrackerApp.Analyst, host.AnalystToken);
        var hits = await workbench.GetAsync($"/search?q={token}");
        hits.Text.ShouldContain("quote found in the captured source");
        hits.Html.ShouldContain($"{foundEntry["sourceCheck"]!["capturedCopy"]!.ToString().Replace("/api/captures/", "/captures/").Replace("/text", "")}");

    }

    [Fact]
    public async Task the_command_line_and_import_lines_cite_a_document_and_are_refused_naming_the_flag_or_line_when_it_is_not_the_agreements()
    {
        var agreement = await OpenAsync();
        var other = await OpenAsync();
        var (document, _) = await AttachAsync(agreement, "Communiqué. " + Quote + ".");
        var (elsewhere, _) = await AttachAsync(other, "Another text.");
        var environment = new Dictionary<string, string?> { ["TRACKER_DB"] = host.Database };
        string[] Record(params string[] more) =>
        [
            "record", "--agreement", agreement, "--said-on", "2025-06-05", "--speaker", "Rustem Umerov", "--quote", Quote, "--language", "en",
            "--outlet", "Ministry", "--kind", "official-statement", "--commitment", Commitment, "--stage", "announced", .. more,
        ];
        var notANumber = await TrackerProcess.RunAsync(environment, Record("--document", document.ToString(), "--page", "two"));
        notANumber.ExitCode.ShouldNotBe(0);
        notANumber.Error.ShouldContain("--page");
        notANumber.Error.ShouldContain("'two' is not a whole number");
        var notHers = await TrackerProcess.RunAsync(environment, Record("--document", elsewhere.ToString()));
        notHers.ExitCode.ShouldNotBe(0);
        notHers.Error.ShouldContain("is not attached to this agreement");
        var recorded = await TrackerProcess.RunAsync(environment, Record("--document", document.ToString(), "--page", "1", "--paragraph", "3"));
        recorded.ExitCode.ShouldBe(0, recorded.ToString());

        var folder = Directory.CreateTempSubdirectory("cite-import").FullName;
        var file = Path.Combine(folder, "lines.jsonl");
        string Line(Guid doc) => $$"""{"type":"record-statement","agreementId":"{{agreement}}","saidOn":"2025-06-06","speaker":{"name":"S"},"quote":"{{Quote}}","language":"en","source":{"outlet":"O","kind":"official-statement","documentId":"{{doc}}","page":2},"assertions":[{"commitmentId":"{{Commitment}}","stage":"announced"}]}""";
        await File.WriteAllLinesAsync(file, [Line(document), Line(elsewhere)]);
        var refused = await TrackerProcess.RunAsync(environment, "import", file);
        refused.ExitCode.ShouldNotBe(0);
        refused.Error.ShouldContain("lines.jsonl:2:source.documentId");
        await File.WriteAllLinesAsync(file, [Line(document)]);
        var imported = await TrackerProcess.RunAsync(environment, "import", file);
        imported.ExitCode.ShouldBe(0, imported.ToString());

        // The statements the verb and the import recorded cite the document: their quotes are found in it.
        await using var conn = new NpgsqlConnection(host.Database);
        await conn.OpenAsync();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            await using var cmd = new NpgsqlCommand(
                "select count(*) from tracker.source_captures where agreement_id = @a and url = @u and quote = 'found'", conn);
            cmd.Parameters.AddWithValue("a", agreement);
            cmd.Parameters.AddWithValue("u", $"document:{document}");
            if (await cmd.ExecuteScalarAsync() is 2L) break;
            clock.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(15));
            await Task.Delay(100);
        }
    }
}
