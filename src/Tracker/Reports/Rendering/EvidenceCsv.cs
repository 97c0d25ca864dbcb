using System.Text;
using Tracker.Agreements;

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
    ];

    public static ReportLayout<StatusReportHead, StatusReportRow> Layout(StatusReportHead head) => new(
        _ => CsvReport.Record(Columns),
        (row, _) =>
        {
            var text = new StringBuilder();
            var cited = ReportText.ById(row.Statements);
            void Add(EvidenceRef e, string citesAs)
            {
                if (!cited.TryGetValue(e.StatementId, out var c)) return;
                Csv.AppendRecord(text,
                [
                    row.AgreementId, row.Status.CommitmentId, row.Status.Title, ReportText.Stage(row.Status.Stage), citesAs,
                    e.Stage.Name(), c.StatementId.ToString(), ReportText.SaidOn(c.SaidOn), c.Speaker, c.Role, c.Actor,
                    c.Place, c.Quote, c.Language, c.Translation, c.Outlet, Vocabulary.NameOf(c.SourceKind), c.Url,
                    c.ArchiveUrl, c.PublishedOn is { } published ? ReportText.Date(published) : "",
                    head.AsOf is { } asOf ? ReportText.Date(asOf) : "",
                    head.KnownAt is { } knownAt ? ReportText.Instant(knownAt) : "",
                ]);
            }
            foreach (var e in row.Status.Evidence) Add(e, "supports");
            foreach (var e in row.Status.Conflicting) Add(e, "disputes");
            return text.ToString();
        },
        _ => "");
}
