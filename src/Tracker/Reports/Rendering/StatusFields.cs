using Tracker.Agreements;
using Tracker.Portfolio;

namespace Tracker.Reports.Rendering;

/// <summary>
/// The status report's tables as typed values, one per column, written once for the formats that lay them out as
/// tables: CSV turns each value into text (<see cref="Csv.Text"/>), the workbook into a cell of its type. A value is
/// null (empty), <see cref="string"/>, <see cref="int"/> (a count), <see cref="decimal"/> (an amount),
/// <see cref="bool"/>, <see cref="DateOnly"/>, <see cref="SaidOn"/> (a date in its own precision) or
/// <see cref="DateTimeOffset"/> (an instant).
/// </summary>
public static class StatusFields
{
    private const string ListSeparator = "; ";

    /// <summary>A commitment's row, in the order of <see cref="CsvReport.StatusColumns"/>.</summary>
    public static object?[] Status(StatusReportHead head, StatusReportRow row)
    {
        var s = row.Status;
        return
        [
            row.AgreementId, row.AgreementTitle, string.Join(ListSeparator, row.Parties),
            s.CommitmentId, s.Title, Vocabulary.NameOf(s.Category), ReportText.Stage(s.Stage), s.Since,
            string.Join(ListSeparator, ReportText.Cited(s.Evidence, s.EvidenceCount, ReportText.Evidence)),
            s.Contested,
            string.Join(ListSeparator, ReportText.Cited(s.Conflicting, s.ConflictingCount, ReportText.Conflict)),
            s.Pledged?.Quantity.Amount, s.Pledged?.Quantity.Unit,
            s.Delivered?.Quantity.Amount, s.Delivered?.Quantity.Unit,
            s.StatementCount, s.LastStatementOn,
            // Empty clocks mean "latest" and "now", as in the API; repeated per row so a table read alone says what it is.
            head.AsOf, head.KnownAt,
            string.Join(ListSeparator, row.Statements.Select(c => c.StatementId)),
            // One line per statement inside the field: a spreadsheet shows them as one cell of several lines.
            string.Join("\n", row.Statements.Select(CsvReport.Cited)),
            s.TargetDate, s.Target?.Amount, s.Target?.Unit,
            row.Overdue,
        ];
    }

    /// <summary>
    /// A commitment's evidence, one record per cited statement in the order of <see cref="EvidenceCsv.Columns"/>:
    /// the supporting statements, then those that dispute the stage.
    /// </summary>
    public static IEnumerable<object?[]> Evidence(StatusReportHead head, StatusReportRow row)
    {
        var cited = ReportText.ById(row.Statements);
        foreach (var (e, citesAs) in row.Status.Evidence.Select(e => (e, "supports"))
                     .Concat(row.Status.Conflicting.Select(e => (e, "disputes"))))
        {
            if (!cited.TryGetValue(e.StatementId, out var c)) continue;
            yield return
            [
                row.AgreementId, row.Status.CommitmentId, row.Status.Title, ReportText.Stage(row.Status.Stage), citesAs,
                e.Stage.Name(), c.StatementId.ToString(), c.SaidOn, c.Speaker, c.Role, c.Actor,
                c.Place, c.Quote, c.Language, c.Translation, c.Outlet, Vocabulary.NameOf(c.SourceKind), c.Url,
                c.ArchiveUrl, c.PublishedOn, head.AsOf, head.KnownAt,
                c.SourceDocument?.ToString(), c.SourcePinpoint, c.SourceCheck?.Shown, c.SourceCheck?.CapturedCopy,
            ];
        }
    }
}
