using System.Globalization;
using System.Text;
using static Tracker.Reports.Rendering.Html;
using Tracker.Portfolio;

namespace Tracker.Reports.Rendering;

/// <summary>
/// Reports as one standalone HTML page, every piece of data escaped: titles, names and outlets are analysts' text,
/// and a report is opened by people who did not write it.
/// </summary>
public static class HtmlReport
{
    private static readonly string[] StatusColumns = ["commitment", "stage", "since", "evidence", "contested", "pledged", "delivered", "target"];

    public static readonly ReportLayout<StatusReportHead, StatusReportRow> StatusLayout = new(
        head =>
        {
            var html = new StringBuilder();
            Begin(html, "Status report");
            Facts(html,
                ("As of", Escape(ReportText.AsOf(head.AsOf))),
                ("Known at", Escape(ReportText.KnownAt(head.KnownAt))),
                ("Filters", Escape(ReportText.Filters(head.Filter))),
                ("Generated at", Escape(ReportText.Instant(head.GeneratedAt))),
                ("Commitments", Count(head.Total)));

            html.Append("<h2>Totals by stage</h2>\n<table class=\"totals\">\n")
                .Append("<thead><tr><th scope=\"col\">stage</th><th scope=\"col\">commitments</th></tr></thead>\n<tbody>\n");
            foreach (var (stage, count) in ReportText.Totals(head.TotalsByStage))
                html.Append($"<tr><th scope=\"row\">{Escape(stage)}</th><td class=\"number\">{Count(count)}</td></tr>\n");
            html.Append($"</tbody>\n<tfoot><tr><th scope=\"row\">total</th><td class=\"number\">{Count(head.Total)}</td></tr></tfoot>\n</table>\n");
            if (head.Total == 0) html.Append("<p>No commitment matches.</p>\n");
            return html.ToString();
        },
        (row, n) =>
        {
            var s = row.Status;
            var cited = ReportText.ById(row.Statements);
            return new StringBuilder("<tr>")
                .Append($"<th scope=\"row\">{Escape(s.Title)}<br><code>{Escape(s.CommitmentId)}</code></th>")
                .Append($"<td>{StageBadge(s.Stage)}</td>")
                .Append($"<td>{OrDash(ReportText.SaidOn(s.Since))}</td>")
                .Append($"<td>{List(ReportText.Cited(s.Evidence, s.EvidenceCount, e => Citation(ReportText.Evidence(e), cited.GetValueOrDefault(e.StatementId))))}</td>")
                .Append(s.Contested
                    ? $"<td><span class=\"contested\">yes</span>{List(ReportText.Cited(s.Conflicting, s.ConflictingCount, e => Citation(ReportText.Conflict(e), cited.GetValueOrDefault(e.StatementId))))}</td>"
                    : "<td>no</td>")
                .Append($"<td>{OrDash(ReportText.Quantity(s.Pledged))}</td>")
                .Append($"<td>{OrDash(ReportText.Quantity(s.Delivered))}</td>")
                .Append($"<td>{OrDash(ReportText.Target(s))}{(row.Overdue ? "<br><span class=\"overdue\">overdue</span>" : "")}</td>")
                .Append("</tr>\n")
                // The timeline on a row of its own, as wide as the table: in a column of its own it was squeezed
                // until its labels were a few pixels high.
                .Append($"<tr class=\"timeline\"><td colspan=\"{StatusColumns.Length}\">{SvgTimeline.Render(s, $"timeline-{n}")}</td></tr>\n")
                .ToString();
        },
        _ => Closing(),
        GroupOf: row => row.AgreementId,
        GroupStart: first => new StringBuilder()
            .Append($"<section class=\"agreement\" id=\"agreement-{Escape(first.AgreementId)}\">\n<h2>{Escape(first.AgreementTitle)}</h2>\n")
            .Append($"<p>Agreement <code>{Escape(first.AgreementId)}</code>; parties: {Escape(first.NamedParties)}{Escape(MarkdownReport.Gone(first))}</p>\n")
            .Append("<table class=\"commitments\">\n<thead><tr>")
            .Append(string.Concat(StatusColumns.Select(c => $"<th scope=\"col\">{c}</th>")))
            .Append("</tr></thead>\n<tbody>\n")
            .ToString(),
        GroupEnd: "</tbody>\n</table>\n</section>\n");

    public static readonly ReportLayout<ChangesReportHead, ChangeRow> ChangesLayout = new(
        head =>
        {
            var html = new StringBuilder();
            Begin(html, "Changes report");
            Facts(html,
                ("Period", Escape($"{ReportText.Date(head.From)} to {ReportText.Date(head.To)} (said-on dates)")),
                ("Known at", Escape(ReportText.KnownAt(head.KnownAt))),
                ("Generated at", Escape(ReportText.Instant(head.GeneratedAt))),
                ("Transitions", Count(head.Total)));
            if (head.Total == 0) return html.Append("<p>No commitment changed stage in this period.</p>\n").ToString();
            return html.Append("<table class=\"changes\">\n<thead><tr>")
                .Append(string.Concat(new[] { "said on", "agreement", "commitment", "from", "to", "evidence" }
                    .Select(c => $"<th scope=\"col\">{c}</th>")))
                .Append("</tr></thead>\n<tbody>\n")
                .ToString();
        },
        (c, _) =>
        {
            var t = c.Transition;
            return new StringBuilder("<tr>")
                .Append($"<td>{Escape(ReportText.SaidOn(t.SaidOn))}</td>")
                .Append($"<td><code>{Escape(c.AgreementId)}</code></td>")
                .Append($"<td>{Escape(c.CommitmentTitle)}<br><code>{Escape(c.CommitmentId)}</code></td>")
                .Append($"<td>{StageBadge(t.From)}</td>")
                .Append($"<td>{StageBadge(t.To)}</td>")
                .Append($"<td>{Escape($"{ReportText.Speaker(t.Evidence)}, {t.Evidence.Outlet}")}</td>")
                .Append("</tr>\n")
                .ToString();
        },
        head => (head.Total == 0 ? "" : "</tbody>\n</table>\n") + Closing());

    public static string Status(StatusReport report) => StatusLayout.Write(report.Head, report.Rows);

    public static string Changes(ChangesReport report) => ChangesLayout.Write(report.Head, report.Changes);

    private static string Closing()
    {
        var html = new StringBuilder();
        End(html);
        return html.ToString();
    }

    private static string Count(int n) => n.ToString(CultureInfo.InvariantCulture);
}
