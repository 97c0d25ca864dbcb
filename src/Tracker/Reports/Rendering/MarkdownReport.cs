using System.Text;
using static Tracker.Reports.Rendering.Markdown;

namespace Tracker.Reports.Rendering;

/// <summary>Reports as GitHub-flavoured Markdown: a header list, then tables that render on a code host.</summary>
public static class MarkdownReport
{
    public static string Status(StatusReport report)
    {
        var md = new StringBuilder();
        md.Append("# Status report\n\n");
        md.Append($"- As of: {ReportText.AsOf(report.AsOf)}\n");
        md.Append($"- Known at: {ReportText.KnownAt(report.KnownAt)}\n");
        md.Append($"- Filters: {Escape(ReportText.Filters(report.Filter))}\n");
        md.Append($"- Generated at: {ReportText.Instant(report.GeneratedAt)}\n");
        md.Append($"- Commitments: {report.Rows.Count}\n\n");

        md.Append("## Totals by stage\n\n");
        md.Append(Header("stage", "commitments"));
        foreach (var (stage, count) in ReportText.Totals(report)) md.Append(Row(stage, count.ToString()));
        md.Append(Row("**total**", $"**{report.Rows.Count}**"));

        if (report.Rows.Count == 0) md.Append("\nNo commitment matches.\n");
        foreach (var agreement in ReportText.ByAgreement(report))
        {
            var first = agreement.First();
            md.Append($"\n## {Escape(first.AgreementTitle)}\n\n");
            md.Append($"Agreement `{first.AgreementId}`; parties: {Escape(string.Join(", ", first.Parties))}\n\n");
            md.Append(Header("commitment", "stage", "since", "evidence", "contested", "pledged", "delivered"));
            foreach (var row in agreement)
            {
                var s = row.Status;
                md.Append(Row(
                    $"{Escape(s.Title)} (`{s.CommitmentId}`)",
                    ReportText.Stage(s.Stage),
                    ReportText.SaidOn(s.Since),
                    string.Join("<br>", s.Evidence.Select(e => Escape(ReportText.Evidence(e)))),
                    s.Contested
                        ? "**yes**: " + string.Join("<br>", s.Conflicting.Select(e => Escape(ReportText.Conflict(e))))
                        : "no",
                    Escape(ReportText.Quantity(s.Pledged)),
                    Escape(ReportText.Quantity(s.Delivered))));
            }
        }
        return md.ToString();
    }

    public static string Changes(ChangesReport report)
    {
        var md = new StringBuilder();
        md.Append("# Changes report\n\n");
        md.Append($"- Period: {ReportText.Date(report.From)} to {ReportText.Date(report.To)} (said-on dates)\n");
        md.Append($"- Known at: {ReportText.KnownAt(report.KnownAt)}\n");
        md.Append($"- Generated at: {ReportText.Instant(report.GeneratedAt)}\n");
        md.Append($"- Transitions: {report.Changes.Count}\n\n");
        if (report.Changes.Count == 0) return md.Append("No commitment changed stage in this period.\n").ToString();

        md.Append(Header("said on", "agreement", "commitment", "from", "to", "evidence"));
        foreach (var c in report.Changes)
        {
            var t = c.Transition;
            md.Append(Row(
                ReportText.SaidOn(t.SaidOn),
                $"`{c.AgreementId}`",
                $"{Escape(c.CommitmentTitle)} (`{c.CommitmentId}`)",
                ReportText.Stage(t.From),
                ReportText.Stage(t.To),
                Escape($"{ReportText.Speaker(t.Evidence)}, {t.Evidence.Outlet}")));
        }
        return md.ToString();
    }
}
