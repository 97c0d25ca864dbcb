using System.Text;
using Tracker.Portfolio;

namespace Tracker.Reports.Rendering;

/// <summary>
/// The status report's evidence as a long table: one record per cited statement per commitment, with the words,
/// the speaker and the source in columns of their own, so that a spreadsheet can filter and sort it. Each record
/// repeats its commitment's current stage, and whether the statement supports that stage or disputes it.
/// Column names are stable (README.md); add columns at the end, never rename or reorder.
/// </summary>
public static class EvidenceCsv
{
    public static readonly IReadOnlyList<string> Columns =
    [
        "agreement_id", "commitment_id", "commitment_title", "stage", "cites_as", "asserted_stage", "statement_id",
        "said_on", "speaker", "speaker_role", "actor", "place", "quote", "language", "translation", "outlet",
        "source_kind", "source_url", "archive_url", "published_on", "as_of", "known_at",
        // Added after the first release, at the end so that readers of the earlier columns by position keep reading them.
        "source_document", "source_pinpoint", "source_check", "captured_copy",
    ];

    public static ReportLayout<StatusReportHead, StatusReportRow> Layout(StatusReportHead head) => new(
        _ => CsvReport.Record(Columns),
        (row, _) =>
        {
            var text = new StringBuilder();
            foreach (var record in StatusFields.Evidence(head, row)) Csv.AppendRecord(text, record.Select(Csv.Text));
            return text.ToString();
        },
        _ => "");
}
