using System.Text;
using static Tracker.Reports.Rendering.Markdown;
using Tracker.Portfolio;

namespace Tracker.Reports.Rendering;

/// <summary>Reports as GitHub-flavoured Markdown: a header list, then tables that render on a code host.</summary>
public static class MarkdownReport
{
    public static readonly ReportLayout<StatusReportHead, StatusReportRow> StatusLayout = new(
        head =>
        {
            var md = new StringBuilder();
            md.Append("# Status report\n\n");
            md.Append($"- As of: {ReportText.AsOf(head.AsOf)}\n");
            md.Append($"- Known at: {ReportText.KnownAt(head.KnownAt)}\n");
            md.Append($"- Filters: {Escape(ReportText.Filters(head.Filter))}\n");
            md.Append($"- Generated at: {ReportText.Instant(head.GeneratedAt)}\n");
            md.Append($"- Commitments: {head.Total}\n\n");

            md.Append("## Totals by stage\n\n");
            md.Append(Header("stage", "commitments"));
            foreach (var (stage, count) in ReportText.Totals(head.TotalsByStage)) md.Append(Row(stage, count.ToString()));
            md.Append(Row("**total**", $"**{head.Total}**"));
            if (head.Total == 0) md.Append("\nNo commitment matches.\n");
            return md.ToString();
        },
        (row, _) =>
        {
            var s = row.Status;
            var cited = ReportText.ById(row.Statements);
            return Row(
                $"{Escape(s.Title)} (`{s.CommitmentId}`)",
                ReportText.Stage(s.Stage),
                ReportText.SaidOn(s.Since),
                string.Join("<br>", ReportText.Cited(s.Evidence, s.EvidenceCount,
                    e => Citation(ReportText.Evidence(e), cited.GetValueOrDefault(e.StatementId)))),
                s.Contested
                    ? "**yes**: " + string.Join("<br>", ReportText.Cited(s.Conflicting, s.ConflictingCount,
                        e => Citation(ReportText.Conflict(e), cited.GetValueOrDefault(e.StatementId))))
                    : "no",
                Escape(ReportText.Quantity(s.Pledged)),
                Escape(ReportText.Quantity(s.Delivered)),
                Escape(ReportText.Target(s)) + (row.Overdue ? " **overdue**" : ""));
        },
        _ => "",
        GroupOf: row => row.AgreementId,
        GroupStart: first =>
            $"\n## {Escape(first.AgreementTitle)}\n\n" +
            $"Agreement `{first.AgreementId}`; parties: {Escape(first.NamedParties)}{Escape(Gone(first))}\n\n" +
            Header("commitment", "stage", "since", "evidence", "contested", "pledged", "delivered", "target"));

    public static readonly ReportLayout<ChangesReportHead, ChangeRow> ChangesLayout = new(
        head =>
        {
            var md = new StringBuilder();
            md.Append("# Changes report\n\n");
            md.Append($"- Period: {ReportText.Date(head.From)} to {ReportText.Date(head.To)} (said-on dates)\n");
            md.Append($"- Known at: {ReportText.KnownAt(head.KnownAt)}\n");
            md.Append($"- Generated at: {ReportText.Instant(head.GeneratedAt)}\n");
            md.Append($"- Transitions: {head.Total}\n\n");
            md.Append(head.Total == 0
                ? "No commitment changed stage in this period.\n"
                : Header("said on", "agreement", "commitment", "from", "to", "evidence"));
            return md.ToString();
        },
        (c, _) =>
        {
            var t = c.Transition;
            return Row(
                ReportText.SaidOn(t.SaidOn),
                $"`{c.AgreementId}`",
                $"{Escape(c.CommitmentTitle)} (`{c.CommitmentId}`)",
                ReportText.Stage(t.From),
                ReportText.Stage(t.To),
                Escape($"{ReportText.Speaker(t.Evidence)}, {t.Evidence.Outlet}"));
        },
        _ => "");

    /// <summary>"; DDR (German Democratic Republic) no longer existed after 1990-10-03", or nothing.</summary>
    public static string Gone(StatusReportRow row) =>
        row.PartiesNoLongerExisting is { Count: > 0 } gone ? "; " + string.Join("; ", gone) : "";

    public static string Status(StatusReport report) => StatusLayout.Write(report.Head, report.Rows);

    public static string Changes(ChangesReport report) => ChangesLayout.Write(report.Head, report.Changes);
}
