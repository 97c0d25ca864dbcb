using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Tracker.Reports.Rendering;
using Tracker.Tests.Support;

namespace Tracker.Tests.Reports;

/// <summary>
/// A reader checks a status against its evidence from the report alone: every format carries each cited statement's
/// words, translation, speaker and role, source and archived copy, and id; the evidence table has them in columns.
/// </summary>
[Collection(AppCollection.Name)]
public class ReportEvidenceTests(TrackerApp app)
{
    private const string AirDefence = "air-defence-joint-production";
    private const string Archive = "https://web.archive.org/web/20250605000000/https://example.org/article";
    private readonly Api _api = new(app);

    private async Task<(string Agreement, Guid Statement, string Before)> AgreementWithAnArchivedStatementAsync()
    {
        var id = "ev-" + Guid.NewGuid().ToString("N")[..10];
        await _api.Open(id, AirDefence);
        var statement = Guid.NewGuid();
        var body = JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(Api.Statement(AirDefence, "under-examination",
            id: statement, speaker: "Sébastien Lecornu", actor: "FRA", quote: "Wir prüfen die gemeinsame Produktion | *sofort*.")))!;
        body["source"]!["archiveUrl"] = Archive;
        await _api.Record(id, body);
        return (id, statement, DateTimeOffset.UtcNow.AddMilliseconds(1).ToString("O"));
    }

    [Fact]
    public async Task every_format_of_the_status_report_quotes_the_statements_it_cites_with_their_sources()
    {
        var (id, statement, _) = await AgreementWithAnArchivedStatementAsync();

        var json = JsonNode.Parse(await _api.Text($"/api/reports/status?agreement={id}"))!;
        var cited = json["rows"]![0]!["statements"]!.AsArray().ShouldHaveSingleItem()!;
        cited["statementId"]!.GetValue<Guid>().ShouldBe(statement);
        cited["quote"]!.GetValue<string>().ShouldBe("Wir prüfen die gemeinsame Produktion | *sofort*.");
        cited["translation"]!.GetValue<string>().ShouldBe("The sides agreed to examine …");
        cited["role"]!.GetValue<string>().ShouldBe("Minister of Defence");
        cited["url"]!.GetValue<string>().ShouldBe("https://example.org/article");
        cited["archiveUrl"]!.GetValue<string>().ShouldBe(Archive);

        var md = await _api.Text($"/api/reports/status?agreement={id}&format=md");
        md.ShouldContain(@"“Wir prüfen die gemeinsame Produktion \| \*sofort\*.” (translation: “The sides agreed to examine …”)");
        md.ShouldContain("Sébastien Lecornu (Minister of Defence, FRA)");
        md.ShouldContain("[source](https://example.org/article)");
        md.ShouldContain($"[archived]({Archive})");
        md.ShouldContain($"(statement `{statement}`)");

        var html = await _api.Text($"/api/reports/status?agreement={id}&format=html");
        html.ShouldContain("<blockquote lang=\"de\">Wir prüfen die gemeinsame Produktion | *sofort*.</blockquote>");
        html.ShouldContain("<p class=\"translation\">Translation: The sides agreed to examine …</p>");
        html.ShouldContain($"<a href=\"{Archive}\">archived copy</a>");
        html.ShouldContain($"statement <code>{statement}</code>");
        html.ShouldContain("<tr class=\"timeline\"><td colspan=\"8\"><svg", customMessage: "the timeline spans the table, not a narrow column");

        var csv = CsvText.Rows(await _api.Text($"/api/reports/status?agreement={id}&format=csv")).ShouldHaveSingleItem();
        csv["cited_statement_ids"].ShouldBe(statement.ToString());
        csv["cited_statements"].ShouldBe($"{statement}: Sébastien Lecornu (Minister of Defence, FRA), Example Outlet, 2025-06-05: " +
            "“Wir prüfen die gemeinsame Produktion | *sofort*.” (translation: “The sides agreed to examine …”) " +
            $"https://example.org/article archived: {Archive}");
    }

    [Fact]
    public async Task a_commitments_history_reads_as_markdown_with_the_words_and_sources()
    {
        var (id, statement, _) = await AgreementWithAnArchivedStatementAsync();
        var url = $"/api/agreements/{id}/commitments/{AirDefence}/history";

        var (status, _, result) = await _api.Send(HttpMethod.Get, url + "?format=md");
        status.ShouldBe(HttpStatusCode.OK);
        result.Context.Response.ContentType.ShouldBe("text/markdown; charset=utf-8");
        var md = await result.ReadAsTextAsync();
        md.ShouldStartWith($"## Joint production: {AirDefence} ({id}/{AirDefence})\n\nStage: **under-examination** · as of latest · known at now");
        md.ShouldContain(@"“Wir prüfen die gemeinsame Produktion \| \*sofort\*.” (de; translation: “The sides agreed to examine …”)");
        md.ShouldContain("Sébastien Lecornu (Minister of Defence, FRA)");
        md.ShouldContain("Example Outlet (media-report) [source](https://example.org/article)");
        md.ShouldContain($"[archived]({Archive})");
        md.ShouldContain($"`{statement}`");
        md.ShouldContain("| transition | none → under-examination |", customMessage: "the transition the statement caused");

        (await _api.Get(url))["entries"]!.AsArray().Count.ShouldBe(2, "without a format, JSON");
        var (refused, body, _) = await _api.Send(HttpMethod.Get, url + "?format=xml");
        refused.ShouldBe(HttpStatusCode.BadRequest);
        body!["errors"]!["format"]![0]!.GetValue<string>().ShouldBe("'xml' is not a history format; one of: json, md");
    }

    [Fact]
    public async Task the_evidence_table_has_one_record_per_cited_statement_in_the_reading_known_at_the_instant()
    {
        var (id, statement, beforeCorrection) = await AgreementWithAnArchivedStatementAsync();
        var second = Guid.NewGuid();
        await _api.Record(id, Api.Statement(AirDefence, "raised", saidOn: "2025-06-10", id: second, quote: "Wir reden darüber."));
        await Task.Delay(5);
        await _api.Post($"/api/agreements/{id}/statements/{statement}/corrections", new
        {
            correctionId = Guid.NewGuid(), reason = "misquoted", changes = new { quote = "Wir prüfen die gemeinsame Produktion." },
        });

        var text = await _api.Text($"/api/reports/evidence?agreement={id}");
        CsvText.Parse(text)[0].ShouldBe(EvidenceCsv.Columns);
        var rows = CsvText.Rows(text);
        rows.Count.ShouldBe(2);
        var supports = rows.Single(r => r["statement_id"] == statement.ToString());
        (supports["commitment_id"], supports["stage"], supports["cites_as"], supports["asserted_stage"])
            .ShouldBe((AirDefence, "under-examination", "supports", "under-examination"));
        (supports["quote"], supports["speaker"], supports["speaker_role"], supports["actor"], supports["archive_url"])
            .ShouldBe(("Wir prüfen die gemeinsame Produktion.", "Sébastien Lecornu", "Minister of Defence", "FRA", Archive));
        var disputes = rows.Single(r => r["statement_id"] == second.ToString());
        (disputes["cites_as"], disputes["asserted_stage"], disputes["quote"]).ShouldBe(("disputes", "raised", "Wir reden darüber."));

        // As known before the correction: the words as they were recorded then.
        var then = CsvText.Rows(await _api.Text($"/api/reports/evidence?agreement={id}&knownAt={Uri.EscapeDataString(beforeCorrection)}"));
        then.ShouldHaveSingleItem()["quote"].ShouldBe("Wir prüfen die gemeinsame Produktion | *sofort*.");

        var (status, body, _) = await _api.Send(HttpMethod.Get, $"/api/reports/evidence?agreement={id}&format=html");
        status.ShouldBe(HttpStatusCode.BadRequest);
        body!.ToJsonString().ShouldContain("CSV only");
    }
}
