using System.Net;
using System.Text;
using Alba;
using Tracker.Reports.Rendering;
using Tracker.Tests.Support;

namespace Tracker.Tests.Reports;

/// <summary>
/// An analyst, or a reader, downloading the portfolio from the API in the format their tool opens: a spreadsheet,
/// a browser, a code host, or a program that wants JSON.
/// </summary>
[Collection(AppCollection.Name)]
public class ReportHttpTests(TrackerApp app)
{
    private const string AirDefence = "air-defence-joint-production";
    private readonly Api _api = new(app);

    private async Task<string> AgreementUnderExaminationAsync()
    {
        var id = "r-" + Guid.NewGuid().ToString("N")[..10];
        await _api.Open(id, AirDefence);
        await _api.Record(id, Api.Statement(AirDefence, "under-examination", saidOn: "2025-06-05", speaker: "Sébastien Lecornu", actor: "FRA"));
        return id;
    }

    private static async Task<(HttpStatusCode Status, string ContentType, byte[] Body, IScenarioResult Result)> GetAsync(Api api, string url)
    {
        var (status, _, result) = await api.Send(HttpMethod.Get, url);
        var response = result.Context.Response;
        response.Body.Position = 0;
        using var bytes = new MemoryStream();
        await response.Body.CopyToAsync(bytes);
        return (status, response.ContentType ?? "", bytes.ToArray(), result);
    }

    [Fact]
    public async Task a_csv_download_opens_in_a_spreadsheet_with_a_header_row_and_one_row_per_commitment()
    {
        var id = await AgreementUnderExaminationAsync();

        var (status, contentType, body, result) = await GetAsync(_api, $"/api/reports/status?agreement={id}&format=csv");

        status.ShouldBe(HttpStatusCode.OK);
        contentType.ShouldBe("text/csv; charset=utf-8");
        result.Context.Response.Headers.ContentDisposition.ToString().ShouldBe("attachment; filename=status-as-of-latest.csv");
        body[..3].ShouldBe(Encoding.UTF8.Preamble.ToArray(), "Excel needs the byte-order mark to read UTF-8");
        var text = Encoding.UTF8.GetString(body[3..]);
        CsvText.Parse(text)[0].ShouldBe(CsvReport.StatusColumns);
        var row = CsvText.Rows(text).ShouldHaveSingleItem();
        (row["agreement_id"], row["commitment_id"], row["stage"], row["since"]).ShouldBe((id, AirDefence, "under-examination", "2025-06-05"));
        row["evidence"].ShouldBe("Sébastien Lecornu (FRA), Example Outlet, 2025-06-05");
    }

    [Fact]
    public async Task an_html_report_is_a_page_with_a_timeline_per_commitment_that_runs_and_loads_nothing()
    {
        var id = await AgreementUnderExaminationAsync();

        var (status, contentType, body, result) = await GetAsync(_api, $"/api/reports/status?agreement={id}&format=html");

        status.ShouldBe(HttpStatusCode.OK);
        contentType.ShouldBe("text/html; charset=utf-8");
        var html = Encoding.UTF8.GetString(body);
        html.ShouldStartWith("<!DOCTYPE html>");
        html.ShouldContain("<svg class=\"timeline\"");
        html.ShouldContain($"aria-label=\"Timeline of {AirDefence}: under-examination from 2025-06-05.\"");
        result.Context.Response.Headers.ContentSecurityPolicy.ToString().ShouldBe("default-src 'none'; style-src 'unsafe-inline'");
        result.Context.Response.Headers.ContentDisposition.ToString().ShouldBeEmpty("a page is shown, not downloaded");
    }

    [Fact]
    public async Task markdown_is_served_as_markdown()
    {
        var id = await AgreementUnderExaminationAsync();

        var (status, contentType, body, _) = await GetAsync(_api, $"/api/reports/status?agreement={id}&format=md");

        status.ShouldBe(HttpStatusCode.OK);
        contentType.ShouldBe("text/markdown; charset=utf-8");
        Encoding.UTF8.GetString(body).ShouldContain($"(`{AirDefence}`) | under-examination | 2025-06-05 |");
    }

    [Fact]
    public async Task without_a_format_the_report_is_the_json_it_always_was()
    {
        var id = await AgreementUnderExaminationAsync();

        var (status, body, result) = await _api.Send(HttpMethod.Get, $"/api/reports/status?agreement={id}&asOf=2025-06-30");

        status.ShouldBe(HttpStatusCode.OK);
        result.Context.Response.ContentType.ShouldBe("application/json; charset=utf-8");
        body!["asOf"]!.ToString().ShouldBe("2025-06-30");
        body["filter"]!["agreement"]!.ToString().ShouldBe(id);
        body["rows"]![0]!["status"]!["stage"]!.ToString().ShouldBe("under-examination");
        body["totalsByStage"]!["under-examination"]!.GetValue<int>().ShouldBe(1);
    }

    [Fact]
    public async Task an_unknown_format_is_a_400_that_names_the_format_parameter()
    {
        var (status, body, _) = await _api.Send(HttpMethod.Get, "/api/reports/status?format=pdf");

        status.ShouldBe(HttpStatusCode.BadRequest);
        body!["errors"]!["format"]![0]!.ToString().ShouldBe("'pdf' is not a report format; one of: json, md, csv, html, xlsx");
    }

    [Fact]
    public async Task a_reader_can_read_every_report_in_every_format()
    {
        var id = await AgreementUnderExaminationAsync();
        var reader = _api.As(app.ReaderToken);

        foreach (var format in ReportFormats.OfStatus.Select(f => f.Name()))
        {
            var (status, _, _, _) = await GetAsync(reader, $"/api/reports/status?agreement={id}&format={format}");
            status.ShouldBe(HttpStatusCode.OK, format);
        }
        foreach (var format in ReportFormats.OfChanges.Select(f => f.Name()))
        {
            var (status, _, _, _) = await GetAsync(reader, $"/api/reports/changes?from=2025-06-01&to=2025-06-30&format={format}");
            status.ShouldBe(HttpStatusCode.OK, format);
        }
    }

    [Fact]
    public async Task the_changes_in_a_period_download_as_csv_one_row_per_transition()
    {
        var id = await AgreementUnderExaminationAsync();
        await _api.Record(id, Api.Statement(AirDefence, "announced", saidOn: "2025-06-20"));

        var (status, contentType, body, result) = await GetAsync(_api, "/api/reports/changes?from=2025-06-01&to=2025-06-30&format=csv");

        status.ShouldBe(HttpStatusCode.OK);
        contentType.ShouldBe("text/csv; charset=utf-8");
        result.Context.Response.Headers.ContentDisposition.ToString().ShouldBe("attachment; filename=changes-2025-06-01-to-2025-06-30.csv");
        var rows = CsvText.Rows(Encoding.UTF8.GetString(body[3..])).Where(r => r["agreement_id"] == id).ToList();
        rows.Select(r => (r["said_on"], r["from_stage"], r["to_stage"], r["speaker"])).ShouldBe(
        [
            ("2025-06-05", "none", "under-examination", "Sébastien Lecornu"),
            ("2025-06-20", "under-examination", "announced", "Rustem Umerov"),
        ]);
    }

    [Fact]
    public async Task a_changes_report_without_from_covers_the_30_days_up_to_its_end_and_without_either_the_last_30_days()
    {
        var id = await AgreementUnderExaminationAsync();
        await _api.Record(id, Api.Statement(AirDefence, "raised", saidOn: "2025-05-20"));

        var (status, _, body, result) = await GetAsync(_api, "/api/reports/changes?to=2025-06-30&format=csv");

        status.ShouldBe(HttpStatusCode.OK, Encoding.UTF8.GetString(body));
        result.Context.Response.Headers.ContentDisposition.ToString().ShouldBe("attachment; filename=changes-2025-05-31-to-2025-06-30.csv");
        CsvText.Rows(Encoding.UTF8.GetString(body[3..])).Where(r => r["agreement_id"] == id).Select(r => r["said_on"])
            .ShouldBe(["2025-06-05"], "May 20 is before the period");

        (status, _, body, result) = await GetAsync(_api, "/api/reports/changes?format=csv");
        status.ShouldBe(HttpStatusCode.OK, Encoding.UTF8.GetString(body));
        var name = result.Context.Response.Headers.ContentDisposition.ToString();
        var dates = System.Text.RegularExpressions.Regex.Match(name, @"changes-(\d{4}-\d{2}-\d{2})-to-(\d{4}-\d{2}-\d{2})\.csv");
        dates.Success.ShouldBeTrue(name);
        var (from, to) = (DateOnly.Parse(dates.Groups[1].Value), DateOnly.Parse(dates.Groups[2].Value));
        to.DayNumber.ShouldBeInRange(DateOnly.FromDateTime(DateTime.UtcNow).DayNumber, DateOnly.FromDateTime(DateTime.UtcNow.AddHours(14)).DayNumber);
        (to.DayNumber - from.DayNumber).ShouldBe(30);
    }
}
