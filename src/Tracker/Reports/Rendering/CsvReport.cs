using System.Text;
using Tracker.Portfolio;

namespace Tracker.Reports.Rendering;

/// <summary>
/// Reports as CSV: a header row, then one record per commitment (status) or per transition (changes). The column
/// names are snake_case and stable (documented in README.md); add columns at the end, never rename or reorder.
/// Lists inside a field (parties, evidence) are separated by "; ".
/// </summary>
public static class CsvReport
{
    public static readonly IReadOnlyList<string> StatusColumns =
    [
        "agreement_id", "agreement_title", "parties", "commitment_id", "commitment_title", "category", "stage", "since",
        "evidence", "contested", "conflicting", "pledged_amount", "pledged_unit", "delivered_amount", "delivered_unit",
        "statement_count", "last_statement_on", "as_of", "known_at", "cited_statement_ids", "cited_statements",
        "target_date", "target_amount", "target_unit", "overdue",
    ];

    public static readonly IReadOnlyList<string> ChangesColumns =
    [
        "said_on", "agreement_id", "commitment_id", "commitment_title", "from_stage", "to_stage", "speaker", "actor",
        "outlet", "statement_id",
    ];

    public static ReportLayout<StatusReportHead, StatusReportRow> StatusLayout(StatusReportHead head) => new(
        _ => Record(StatusColumns),
        (row, _) => Record(StatusFields.Status(head, row).Select(Csv.Text)),
        _ => "");

    /// <summary>"id: Speaker (role, actor), Outlet, 2025-06-05: “words” (translation: “…”) url archive-url".</summary>
    public static string Cited(CitedStatement c) =>
        $"{c.StatementId}: {ReportText.SpeakerWithRole(c)}, {c.Outlet}, {c.SaidOn}: {ReportText.Words(c)}"
        + (c.Url is { Length: > 0 } url ? " " + url : "") + (c.ArchiveUrl is { Length: > 0 } archive ? " archived: " + archive : "");

    public static readonly ReportLayout<ChangesReportHead, ChangeRow> ChangesLayout = new(
        _ => Record(ChangesColumns),
        (c, _) =>
        {
            var t = c.Transition;
            return Record(
            [
                ReportText.SaidOn(t.SaidOn), c.AgreementId, c.CommitmentId, c.CommitmentTitle,
                ReportText.Stage(t.From), ReportText.Stage(t.To),
                t.Evidence.Speaker, t.Evidence.Actor, t.Evidence.Outlet, t.Evidence.StatementId.ToString(),
            ]);
        },
        _ => "");

    public static string Status(StatusReport report) => StatusLayout(report.Head).Write(report.Head, report.Rows);

    public static string Changes(ChangesReport report) => ChangesLayout.Write(report.Head, report.Changes);

    internal static string Record(IEnumerable<string?> fields)
    {
        var csv = new StringBuilder();
        Csv.AppendRecord(csv, fields);
        return csv.ToString();
    }
}
