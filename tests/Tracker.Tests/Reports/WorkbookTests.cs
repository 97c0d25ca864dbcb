using System.Net;
using System.Text.Json.Nodes;
using Tracker.Reports.Rendering;
using Tracker.Tests.Support;

namespace Tracker.Tests.Reports;

/// <summary>
/// An analyst downloads the status report as a workbook to sort and filter in Excel: the status, the evidence behind
/// it and the totals, each a sheet with typed cells, from the same snapshot and on the same clocks as the other formats.
/// </summary>
[Collection(AppCollection.Name)]
public class WorkbookTests(TrackerApp app)
{
    private const string AirDefence = "air-defence-joint-production";
    private const string Drones = "drone-production";
    private const string Archive = "https://web.archive.org/web/20250605000000/https://example.org/article";
    private readonly Api _api = new(app);

    private async Task<string> AgreementAsync()
    {
        var id = "wb-" + Guid.NewGuid().ToString("N")[..10];
        await _api.Open(id, AirDefence, Drones);
        return id;
    }

    private async Task<(HttpStatusCode Status, string ContentType, string Disposition, byte[] Body)> DownloadAsync(string url)
    {
        var (status, _, result) = await _api.Send(HttpMethod.Get, url);
        var response = result.Context.Response;
        response.Body.Position = 0;
        using var bytes = new MemoryStream();
        await response.Body.CopyToAsync(bytes);
        return (status, response.ContentType ?? "", response.Headers.ContentDisposition.ToString(), bytes.ToArray());
    }

    private async Task<WorkbookFile> WorkbookAsync(string query)
    {
        var (status, contentType, _, body) = await DownloadAsync($"/api/reports/status?format=xlsx&{query}");
        status.ShouldBe(HttpStatusCode.OK, System.Text.Encoding.UTF8.GetString(body));
        contentType.ShouldBe("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
        var workbook = WorkbookFile.Read(body);
        workbook.SchemaErrors.ShouldBeEmpty("a file Excel would call damaged");
        return workbook;
    }

    [Fact]
    public async Task the_workbook_has_a_status_row_per_commitment_the_evidence_quoted_and_the_totals_of_the_json_report()
    {
        var id = await AgreementAsync();
        var lecornu = Guid.NewGuid();
        var body = JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(Api.Statement(AirDefence, "under-examination",
            id: lecornu, speaker: "Sébastien Lecornu", actor: "FRA", quote: "Wir prüfen die gemeinsame Produktion.")))!;
        body["source"]!["archiveUrl"] = Archive;
        await _api.Record(id, body);
        var umerov = Guid.NewGuid();
        await _api.Record(id, Api.Statement(AirDefence, "raised", saidOn: "2025-06-10", id: umerov, quote: "Wir reden darüber."));

        var (status, _, disposition, file) = await DownloadAsync($"/api/reports/status?agreement={id}&format=xlsx");

        status.ShouldBe(HttpStatusCode.OK);
        disposition.ShouldBe("attachment; filename=status-as-of-latest.xlsx");
        var workbook = WorkbookFile.Read(file);
        workbook.SchemaErrors.ShouldBeEmpty("a file Excel would call damaged");
        workbook.Sheets.Select(s => s.Name).ShouldBe(["Status", "Evidence", "Totals"]);
        foreach (var sheet in workbook.Sheets)
        {
            sheet.FrozenRows.ShouldBe(1, $"{sheet.Name}: the header stays in view");
            sheet.AutoFilter.ShouldNotBeNull($"{sheet.Name}: the header filters");
        }

        var statusSheet = workbook["Status"];
        statusSheet.Header.ShouldBe(CsvReport.StatusColumns, "the CSV's columns, in its order");
        statusSheet.AutoFilter.ShouldBe("A1:Y3");
        var rows = statusSheet.Records;
        rows.Select(r => (r["commitment_id"].Value, r["stage"].Value)).ShouldBe([(AirDefence, "under-examination"), (Drones, "none")]);
        var air = rows[0];
        (air["since"].Kind, air["since"].Date, air["since"].Format).ShouldBe((CellKind.Date, new DateTime(2025, 6, 5), "yyyy-mm-dd"));
        air["statement_count"].ShouldBe(new WorkbookCell(CellKind.Number, "2", null));
        air["contested"].Boolean.ShouldBeTrue();
        air["overdue"].Boolean.ShouldBeFalse();
        air["as_of"].Kind.ShouldBe(CellKind.Empty, "latest");
        air["cited_statements"].Value.ShouldContain("“Wir prüfen die gemeinsame Produktion.” (translation: “The sides agreed to examine …”)");
        (rows[1]["since"].Kind, rows[1]["evidence"].Kind).ShouldBe((CellKind.Empty, CellKind.Empty), "nothing said: blank, as a filter's (Blanks)");

        var evidence = workbook["Evidence"];
        evidence.Header.ShouldBe(EvidenceCsv.Columns, "the evidence table's columns, in its order");
        evidence.Records.Select(r => (r["statement_id"].Value, r["cites_as"].Value, r["quote"].Value)).ShouldBe(
        [
            (lecornu.ToString(), "supports", "Wir prüfen die gemeinsame Produktion."),
            (umerov.ToString(), "disputes", "Wir reden darüber."),
        ]);
        var cited = evidence.Records[0];
        (cited["speaker"].Value, cited["speaker_role"].Value, cited["actor"].Value, cited["outlet"].Value)
            .ShouldBe(("Sébastien Lecornu", "Minister of Defence", "FRA", "Example Outlet"));
        (cited["translation"].Value, cited["source_url"].Value, cited["archive_url"].Value)
            .ShouldBe(("The sides agreed to examine …", "https://example.org/article", Archive));
        cited["said_on"].Date.ShouldBe(new DateTime(2025, 6, 5));

        var json = JsonNode.Parse(await _api.Text($"/api/reports/status?agreement={id}"))!;
        var totals = workbook["Totals"];
        totals.Header.ShouldBe(["stage", "commitments"]);
        var byStage = totals.Records.ToDictionary(r => r["stage"].Value, r => (int)r["commitments"].Number);
        byStage.Where(t => t.Value > 0).ShouldBe(json["totalsByStage"]!.AsObject().Select(t => KeyValuePair.Create(t.Key, t.Value!.GetValue<int>())),
            ignoreOrder: true);
        byStage.Keys.Take(3).ShouldBe(["raised", "under-examination", "announced"], "ladder order, as the other formats count");
        totals.Notes["total"].Number.ShouldBe(2);
        (totals.Notes["as_of"].Value, totals.Notes["known_at"].Value).ShouldBe(("latest", "now"));
        totals.Notes["filter"].Value.ShouldBe($"agreement {id}");
        totals.Notes["generated_at"].Kind.ShouldBe(CellKind.Date);
    }

    [Fact]
    public async Task the_workbook_is_the_report_on_both_clocks_as_the_csv_is()
    {
        var id = await AgreementAsync();
        var statement = Guid.NewGuid();
        await _api.Record(id, Api.Statement(AirDefence, "under-examination", saidOn: "2025-06", id: statement, quote: "Wir prüfen es."));
        var beforeCorrection = DateTimeOffset.UtcNow.AddMilliseconds(1);
        await Task.Delay(5);
        await _api.Post($"/api/agreements/{id}/statements/{statement}/corrections", new
        {
            correctionId = Guid.NewGuid(), reason = "misquoted", changes = new { quote = "Wir prüfen es sofort." },
        });
        await _api.Record(id, Api.Statement(Drones, "raised", saidOn: "2025-07-02"));
        var knownAt = Uri.EscapeDataString(beforeCorrection.ToString("O"));

        var workbook = await WorkbookAsync($"agreement={id}&asOf=2025-06-30&knownAt={knownAt}");
        var csv = CsvText.Rows(await _api.Text($"/api/reports/status?agreement={id}&asOf=2025-06-30&knownAt={knownAt}&format=csv"));

        var rows = workbook["Status"].Records;
        rows.Select(r => r["stage"].Value).ShouldBe(csv.Select(r => r["stage"]), "the drones were raised after the as-of date");
        rows.Select(r => r["stage"].Value).ShouldBe(["under-examination", "none"]);
        var since = rows[0]["since"];
        (since.Kind, since.Date, since.Format).ShouldBe((CellKind.Date, new DateTime(2025, 6, 1), "yyyy-mm"),
            "a said-on month is a date shown as the month, as the CSV writes it: " + csv[0]["since"]);
        rows[0]["as_of"].Date.ShouldBe(new DateTime(2025, 6, 30));
        rows[0]["known_at"].Date.ShouldBe(beforeCorrection.UtcDateTime, TimeSpan.FromMilliseconds(1));
        workbook["Evidence"].Records.ShouldHaveSingleItem()["quote"].Value.ShouldBe("Wir prüfen es.", "the words as known at the instant");
        workbook["Totals"].Notes["as_of"].Date.ShouldBe(new DateTime(2025, 6, 30));
    }

    [Theory]
    [InlineData("=HYPERLINK(\"https://evil.example\",\"Click\")")]
    [InlineData("+1+cmd|' /C calc'!A0")]
    [InlineData("-2+3")]
    [InlineData("@SUM(A1:A9)")]
    public async Task a_quote_that_looks_like_a_formula_stays_the_text_that_was_said(string quote)
    {
        var id = await AgreementAsync();
        await _api.Record(id, Api.Statement(AirDefence, "under-examination", quote: quote));

        var workbook = await WorkbookAsync($"agreement={id}");

        var cell = workbook["Evidence"].Records.ShouldHaveSingleItem()["quote"];
        cell.ShouldBe(new WorkbookCell(CellKind.Text, quote, null));
        workbook.Sheets.SelectMany(s => s.Rows).SelectMany(r => r).ShouldNotContain(c => c.Kind == CellKind.Formula);
    }

    [Fact]
    public async Task text_a_cell_cannot_hold_is_cut_saying_so_and_characters_xml_cannot_carry_are_replaced()
    {
        var id = await AgreementAsync();
        var quote = new string('a', 9_990) + "\uFFFF";
        for (var i = 0; i < 4; i++)
            await _api.Record(id, Api.Statement(AirDefence, "under-examination", saidOn: $"2025-06-0{i + 1}", quote: quote));

        var workbook = await WorkbookAsync($"agreement={id}");

        var cited = workbook["Status"].Records[0]["cited_statements"].Value;
        cited.Length.ShouldBe(XlsxReport.MaxCellText);
        cited.ShouldEndWith(XlsxReport.Cut);
        workbook["Evidence"].Records.Select(r => r["quote"].Value).ShouldAllBe(q => q == new string('a', 9_990) + "\uFFFD");
    }

    [Fact]
    public async Task a_workbook_of_the_changes_report_is_refused_naming_the_format()
    {
        var (status, body, _) = await _api.Send(HttpMethod.Get, "/api/reports/changes?from=2025-06-01&to=2025-06-30&format=xlsx");

        status.ShouldBe(HttpStatusCode.BadRequest);
        body!["errors"]!["format"]![0]!.ToString()
            .ShouldBe("xlsx is the status report's only; the changes report is one of: json, md, csv, html");
    }

    [Fact]
    public async Task the_api_description_lists_the_workbook_for_the_status_report_only()
    {
        var description = JsonNode.Parse(await _api.Text("/openapi/v1.json"))!;

        var ok = description["paths"]!["/api/reports/status"]!["get"]!["responses"]!["200"]!["content"]!;
        var workbook = ok[ReportFormats.XlsxContentType].ShouldNotBeNull();
        (workbook["schema"]!["type"]!.ToString(), workbook["schema"]!["format"]!.ToString()).ShouldBe(("string", "binary"));
        var changes = description["paths"]!["/api/reports/changes"]!["get"]!;
        changes["responses"]!["200"]!["content"]!.AsObject().Select(c => c.Key).ShouldNotContain(ReportFormats.XlsxContentType);
        string[] FormatsOf(string path) => [.. description["paths"]![path]!["get"]!["parameters"]!.AsArray()
            .Single(p => p!["name"]!.ToString() == "format")!["schema"]!["enum"]!.AsArray().Select(v => v!.ToString())];
        FormatsOf("/api/reports/status").ShouldBe(["json", "md", "csv", "html", "xlsx"]);
        FormatsOf("/api/reports/changes").ShouldBe(["json", "md", "csv", "html"]);
        FormatsOf("/api/reports/evidence").ShouldBe(["csv"]);
        FormatsOf("/api/agreements/{agreementId}/commitments/{commitmentId}/history").ShouldBe(["json", "md"]);
    }

    [Theory]
    [InlineData(1_048_575, 1_048_575, null)]
    [InlineData(1_048_576, 0, "the report has 1,048,576 commitments, more than the 1,048,575 rows a worksheet holds below its header (Status sheet)")]
    [InlineData(60_000, 1_200_000, "the report has 1,200,000 cited statements, more than the 1,048,575 rows a worksheet holds below its header (Evidence sheet)")]
    public void a_report_larger_than_a_worksheet_is_refused_before_it_is_written(long commitments, long cited, string? reason)
    {
        var refusal = XlsxReport.TooLarge(commitments, cited);

        if (reason is null) refusal.ShouldBeNull();
        else
        {
            refusal!.Field.ShouldBe("format");
            refusal.Reason.ShouldStartWith(reason);
            refusal.Reason.ShouldEndWith("narrow it (agreement, party, category, stage) or choose the csv format");
        }
    }
}
