using System.Text;
using Tracker.Agreements;
using Tracker.Reports;
using Tracker.Reports.Rendering;
using Tracker.Tests.Domain;
using Tracker.Portfolio;

namespace Tracker.Tests.Reports;

/// <summary>
/// What an analyst relies on when a report leaves the tracker: it says the same thing in every format, survives
/// whatever was typed into a title, and opens where it is sent (a spreadsheet, a code host, a browser).
/// </summary>
public class RenderingTests
{
    [Theory]
    [InlineData("json", ReportFormat.Json)]
    [InlineData("md", ReportFormat.Markdown)]
    [InlineData("CSV", ReportFormat.Csv)]
    [InlineData(" html ", ReportFormat.Html)]
    [InlineData("XLSX", ReportFormat.Xlsx)]
    [InlineData(null, ReportFormat.Markdown)]
    [InlineData("", ReportFormat.Markdown)]
    public void a_format_is_named_case_insensitively_and_a_missing_one_is_the_callers_default(string? text, ReportFormat expected)
    {
        ReportFormats.TryParse(text, ReportFormat.Markdown, out var format, out var reason).ShouldBeTrue(reason);
        format.ShouldBe(expected);
    }

    [Fact]
    public void an_unknown_format_is_refused_with_the_formats_there_are()
    {
        ReportFormats.TryParse("pdf", ReportFormat.Json, out _, out var reason).ShouldBeFalse();
        reason.ShouldBe("'pdf' is not a report format; one of: json, md, csv, html, xlsx");
    }

    [Fact]
    public void a_month_precise_statement_shows_as_the_month_in_every_text_format()
    {
        var report = ReportStory.StatusOf("Joint production", (s, c) => s.Say("2025-06", c, Stage.UnderExamination));

        foreach (var format in new[] { ReportFormat.Markdown, ReportFormat.Csv, ReportFormat.Html })
        {
            var text = ReportRenderer.Render(report, format).Text;
            text.ShouldContain("2025-06", customMessage: format.ToString());
            text.ShouldNotContain("2025-06-01", customMessage: format.ToString());
        }
    }

    [Fact]
    public void a_title_with_commas_quotes_and_a_line_break_stays_one_csv_field()
    {
        var report = ReportStory.StatusOf("IRIS-T, \"SLM\"\nphase 2", (s, c) => s.Say("2025-06-05", c, Stage.Announced));

        var csv = CsvReport.Status(report);

        csv.ShouldStartWith(string.Join(',', CsvReport.StatusColumns) + "\r\n");
        csv.ShouldContain(",\"IRIS-T, \"\"SLM\"\"\nphase 2\",");
        CsvText.Rows(csv).ShouldHaveSingleItem()["commitment_title"].ShouldBe("IRIS-T, \"SLM\"\nphase 2");
    }

    [Fact]
    public void a_title_a_spreadsheet_would_run_as_a_formula_is_kept_as_text()
    {
        var report = ReportStory.StatusOf("=HYPERLINK(\"http://evil.example\",\"click\")", (s, c) =>
            s.Say("2025-06-05", c, Stage.Signed, quantity: new Quantity(-3m, "systems")));

        var row = CsvText.Rows(CsvReport.Status(report)).ShouldHaveSingleItem();

        row["commitment_title"].ShouldBe("'=HYPERLINK(\"http://evil.example\",\"click\")");
        row["pledged_amount"].ShouldBe("-3");
    }

    [Fact]
    public void csv_quantities_are_split_into_amount_and_unit_without_locale_or_trailing_zeros()
    {
        var report = ReportStory.StatusOf("Shells", (s, c) =>
        {
            s.Say("2025-03-01", c, Stage.Signed, quantity: new Quantity(2500.50m, "shells"));
            s.Say("2025-09-01", c, Stage.InEffect, quantity: new Quantity(1200m, "shells"));
        });

        var row = CsvText.Rows(CsvReport.Status(report)).ShouldHaveSingleItem();

        (row["pledged_amount"], row["pledged_unit"]).ShouldBe(("2500.5", "shells"));
        (row["delivered_amount"], row["delivered_unit"]).ShouldBe(("1200", "shells"));
        row["stage"].ShouldBe("in-effect");
    }

    [Fact]
    public void a_pipe_or_line_break_in_a_title_does_not_break_the_markdown_table()
    {
        var report = ReportStory.StatusOf("Drones | *FPV*\nand more", (s, c) => s.Say("2025-06-05", c, Stage.Raised));

        var md = MarkdownReport.Status(report);

        md.ShouldContain(@"Drones \| \*FPV\*<br>and more (`c1`)");
        var tableRow = md.Split('\n').Where(l => l.Contains("(`c1`)")).ShouldHaveSingleItem();
        tableRow.Split(" | ").Length.ShouldBe(8, "eight columns, no more");
    }

    [Fact]
    public void markup_in_a_title_is_shown_as_text_in_html_never_run()
    {
        var report = ReportStory.StatusOf("<script>alert('x')</script> & <b>", (s, c) => s.Say("2025-06-05", c, Stage.Raised));

        var html = HtmlReport.Status(report);

        html.ShouldNotContain("<script>");
        html.ShouldNotContain("<b>");
        html.ShouldContain("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &lt;b&gt;");
        // Links to a statement's source are for the reader to follow; nothing else may name an address.
        System.Text.RegularExpressions.Regex.Replace(html.Replace("http://www.w3.org/2000/svg", ""), "<a href=\"https://[^\"]*\">", "")
            .ShouldNotContain("http", customMessage: "a standalone page loads nothing");
    }

    [Fact]
    public void totals_follow_the_ladder_then_the_off_ladder_stages_then_commitments_without_a_stage()
    {
        var story = new AgreementStory("t-report", "a", "b", "c", "d");
        story.Say("2025-06-05", "a", Stage.Stalled);
        story.Say("2025-06-05", "b", Stage.Signed);
        story.Say("2025-06-05", "c", Stage.Raised);

        var md = MarkdownReport.Status(ReportStory.Status(story));

        var order = new[] { "| raised | 1 |", "| signed | 1 |", "| fulfilled | 0 |", "| stalled | 1 |", "| rejected | 0 |", "| none | 1 |", "| **total** | **4** |" }
            .Select(row => md.IndexOf(row, StringComparison.Ordinal)).ToList();
        order.ShouldAllBe(i => i >= 0, md);
        order.ShouldBeInOrder();
    }

    [Fact]
    public void a_contested_commitment_names_the_conflicting_statements_in_every_format()
    {
        var report = ReportStory.StatusOf("Air defence", (s, c) =>
        {
            s.Say("2025-06-05", c, Stage.Signed, speaker: "Sébastien Lecornu", actor: "FRA");
            s.Say("2025-06-20", c, Stage.Announced, speaker: "Rustem Umerov", actor: "UKR");
        });
        ReportStory.Only(report).Contested.ShouldBeTrue();
        const string conflict = "Rustem Umerov (UKR), Example Outlet, 2025-06-20: says announced";

        MarkdownReport.Status(report).ShouldContain("**yes**: " + conflict);
        var row = CsvText.Rows(CsvReport.Status(report)).ShouldHaveSingleItem();
        (row["contested"], row["conflicting"]).ShouldBe(("yes", conflict));
        HtmlReport.Status(report).ShouldContain($"<span class=\"contested\">yes</span><ul><li>{conflict}<blockquote lang=\"de\">");
    }

    [Fact]
    public void csv_files_and_responses_start_with_a_byte_order_mark_and_the_other_formats_do_not()
    {
        var report = ReportStory.StatusOf("Drones", (s, c) => s.Say("2025-06-05", c, Stage.Raised, speaker: "Умєров"));

        ReportRenderer.Render(report, ReportFormat.Csv).ToBytes()[..3].ShouldBe(Encoding.UTF8.Preamble.ToArray());
        foreach (var format in new[] { ReportFormat.Markdown, ReportFormat.Html, ReportFormat.Json })
        {
            var bytes = ReportRenderer.Render(report, format).ToBytes();
            bytes[0].ShouldNotBe((byte)0xEF, format.ToString());
            Encoding.UTF8.GetString(bytes).ShouldContain("Умєров", customMessage: format.ToString());
        }
    }

    [Fact]
    public void the_header_says_which_clocks_and_filters_the_report_was_made_with()
    {
        var story = new AgreementStory("t-report", "c1");
        story.Say("2025-06-05", "c1", Stage.Raised);
        var report = StatusReport.Build([story.Agreement], new StatusReportFilter(Party: "UKR", Stage: Stage.Raised),
            new DateOnly(2025, 6, 30), new DateTimeOffset(2025, 7, 2, 8, 0, 0, TimeSpan.FromHours(2)), ReportStory.GeneratedAt);

        var md = MarkdownReport.Status(report);

        md.ShouldContain("- As of: 2025-06-30\n");
        md.ShouldContain("- Known at: 2025-07-02T06:00:00Z\n");
        md.ShouldContain("- Filters: party UKR, stage raised\n");
        md.ShouldContain("- Generated at: 2025-12-31T17:30:00Z\n");
        MarkdownReport.Status(ReportStory.Status(story)).ShouldContain("- As of: latest\n- Known at: now\n- Filters: none\n");
    }

    [Fact]
    public void a_period_without_changes_says_so()
    {
        var empty = new ChangesReport(new DateOnly(2025, 1, 1), new DateOnly(2025, 1, 31), null, ReportStory.GeneratedAt, [], 0, 1, 50);

        MarkdownReport.Changes(empty).ShouldContain("No commitment changed stage in this period.");
        HtmlReport.Changes(empty).ShouldContain("No commitment changed stage in this period.");
        CsvReport.Changes(empty).ShouldBe(string.Join(',', CsvReport.ChangesColumns) + "\r\n");
    }
}
