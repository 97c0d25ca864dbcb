using System.Globalization;
using SpreadCheetah;
using SpreadCheetah.Styling;
using SpreadCheetah.Worksheets;
using Tracker.Agreements;
using Tracker.Kernel;
using Tracker.Portfolio;

namespace Tracker.Reports.Rendering;

/// <summary>
/// The status report as a workbook of three sheets: "Status" (the status CSV's columns, one row per commitment),
/// "Evidence" (the evidence table's, one row per cited statement per commitment) and "Totals" (commitments by stage,
/// then what the report is: its clocks, filter and generation time). Cells are typed (<see cref="StatusFields"/>):
/// dates are dates, counts and amounts numbers, flags booleans, instants UTC date-times; text is always a text cell,
/// so a quote beginning with = or @ is shown as written and never run as a formula. A said-on date known only to the
/// month or year is its first day, shown as 2025-06 or 2025: it sorts as the other formats order it. Each sheet's
/// header row is frozen and carries a filter.
/// Written as the rows arrive, sheet after sheet, straight to the stream: memory holds a row whatever the report's size.
/// </summary>
public static class XlsxReport
{
    /// <summary>The rows a worksheet holds, its header row included (Excel's limit).</summary>
    public const int MaxSheetRows = 1_048_576;

    /// <summary>The characters a cell holds (Excel's limit): a longer text is cut, saying so.</summary>
    public const int MaxCellText = 32_767;

    public const string Cut = " … (cut here: a cell holds at most 32,767 characters; the CSV has the whole text)";

    public static readonly IReadOnlyList<string> SheetNames = ["Status", "Evidence", "Totals"];

    /// <summary>Why a report this large cannot be a workbook, or null when it fits: said before anything is written.</summary>
    public static FieldError? TooLarge(long statusRows, long evidenceRows)
    {
        var room = MaxSheetRows - 1;
        if (statusRows <= room && evidenceRows <= room) return null;
        var (sheet, rows, what) = statusRows > room
            ? ("Status", statusRows, "commitments")
            : ("Evidence", evidenceRows, "cited statements");
        return new FieldError("format",
            $"the report has {rows.ToString("N0", CultureInfo.InvariantCulture)} {what}, more than the " +
            $"{room.ToString("N0", CultureInfo.InvariantCulture)} rows a worksheet holds below its header ({sheet} sheet): " +
            "narrow it (agreement, party, category, stage) or choose the csv format");
    }

    /// <summary>
    /// Writes the workbook. <paramref name="rows"/> is called once per sheet that lists them (Status, then Evidence)
    /// and must give the same rows each time; <paramref name="evidenceRows"/> is how many evidence records they have.
    /// </summary>
    public static async Task WriteAsync(Stream stream, StatusReportHead head, long evidenceRows,
        Func<IAsyncEnumerable<StatusReportRow>> rows, CancellationToken ct)
    {
        // The zip writer writes a few bytes synchronously (each entry's data descriptor), which a response refuses.
        var output = new AsyncOnlyStream(stream);
        await using (var workbook = await Spreadsheet.CreateNewAsync(output, Options(head), ct))
            await WriteSheetsAsync(workbook, head, evidenceRows, rows, ct);
        await output.FlushAsync(ct);
    }

    private static SpreadCheetahOptions Options(StatusReportHead head) => new()
    {
        CompressionLevel = SpreadCheetahCompressionLevel.Fastest,
        // A cell keeps the text as recorded, spaces at either end included.
        PreserveStringWhitespace = true,
        DocumentProperties = new() { Title = Title(head), Author = "Tracker" },
    };

    private static async Task WriteSheetsAsync(Spreadsheet workbook, StatusReportHead head, long evidenceRows,
        Func<IAsyncEnumerable<StatusReportRow>> rows, CancellationToken ct)
    {
        var styles = new Styles(workbook);

        await StartSheetAsync(workbook, "Status", CsvReport.StatusColumns, head.Total, styles, ct);
        var cells = new Cell[CsvReport.StatusColumns.Count];
        await foreach (var row in rows().WithCancellation(ct))
            await workbook.AddRowAsync(Fill(cells, StatusFields.Status(head, row), styles), ct);

        await StartSheetAsync(workbook, "Evidence", EvidenceCsv.Columns, evidenceRows, styles, ct);
        cells = new Cell[EvidenceCsv.Columns.Count];
        await foreach (var row in rows().WithCancellation(ct))
            foreach (var record in StatusFields.Evidence(head, row))
                await workbook.AddRowAsync(Fill(cells, record, styles), ct);

        var totals = ReportText.Totals(head.TotalsByStage);
        await StartSheetAsync(workbook, "Totals", ["stage", "commitments"], totals.Count, styles, ct);
        foreach (var (stage, count) in totals) await workbook.AddRowAsync([new Cell(stage), new Cell(count)], ct);
        // Below the table (outside its filter): the total, and what the report is, in the CSV's column words.
        await workbook.AddRowAsync(Array.Empty<Cell>(), ct);
        await workbook.AddRowAsync([new Cell("total", styles.Header), new Cell(head.Total, styles.Header)], ct);
        await workbook.AddRowAsync([new Cell("as_of"), head.AsOf is { } asOf ? Typed(asOf, styles) : new Cell("latest")], ct);
        await workbook.AddRowAsync([new Cell("known_at"), head.KnownAt is { } knownAt ? Typed(knownAt, styles) : new Cell("now")], ct);
        await workbook.AddRowAsync([new Cell("filter"), new Cell(ReportText.Filters(head.Filter))], ct);
        await workbook.AddRowAsync([new Cell("generated_at"), Typed(head.GeneratedAt, styles)], ct);
        await workbook.AddRowAsync([new Cell("times"), new Cell("UTC")], ct);
        await workbook.FinishAsync(ct);
    }

    private static string Title(StatusReportHead head) =>
        $"Status report as of {ReportText.AsOf(head.AsOf)}, as known at {ReportText.KnownAt(head.KnownAt)}";

    private static async Task StartSheetAsync(Spreadsheet workbook, string name, IReadOnlyList<string> columns, long rows,
        Styles styles, CancellationToken ct)
    {
        var last = SpreadsheetUtility.GetColumnName(columns.Count);
        var options = new WorksheetOptions
        {
            FrozenRows = 1,
            AutoFilter = new AutoFilterOptions($"A1:{last}{Math.Min(rows + 1, MaxSheetRows)}"),
        };
        for (var i = 0; i < columns.Count; i++) options.Column(i + 1).Width = WidthOf(columns[i]);
        await workbook.StartWorksheetAsync(name, options, ct);
        await workbook.AddHeaderRowAsync([.. columns], styles.Header, ct);
    }

    /// <summary>Room for what a column usually holds: a title or a quote needs more than a date.</summary>
    private static double WidthOf(string column) => column switch
    {
        "agreement_title" or "commitment_title" or "source_url" or "archive_url" => 40,
        "evidence" or "conflicting" or "quote" or "translation" => 60,
        "cited_statements" => 80,
        "statement_id" or "cited_statement_ids" => 38,
        "agreement_id" or "commitment_id" or "speaker" or "speaker_role" or "outlet" or "known_at" => 24,
        _ => 14,
    };

    private static Cell[] Fill(Cell[] cells, object?[] values, Styles styles)
    {
        for (var i = 0; i < values.Length; i++) cells[i] = Typed(values[i], styles);
        return cells;
    }

    private static Cell Typed(object? value, Styles styles) => value switch
    {
        null or "" => new Cell(),
        string text => new Cell(CellText(text)),
        int count => new Cell(count),
        decimal amount => new Cell(amount),
        bool flag => new Cell(flag),
        DateOnly date => new Cell(date.ToDateTime(TimeOnly.MinValue), styles.Day),
        SaidOn saidOn => new Cell(saidOn.Start.ToDateTime(TimeOnly.MinValue), saidOn.Precision switch
        {
            DatePrecision.Day => styles.Day,
            DatePrecision.Month => styles.Month,
            _ => styles.Year,
        }),
        DateTimeOffset instant => new Cell(instant.UtcDateTime, styles.Instant),
        _ => throw new ArgumentException($"no cell for a {value.GetType().Name}", nameof(value)),
    };

    /// <summary>
    /// Text as a cell may hold it: at most <see cref="MaxCellText"/> characters (Excel refuses a longer cell), and
    /// only characters XML 1.0 can carry (U+FFFE and U+FFFF, which PostgreSQL stores, would make the file unreadable).
    /// </summary>
    internal static string CellText(string text)
    {
        if (text.AsSpan().IndexOfAny('\uFFFE', '\uFFFF') >= 0) text = text.Replace('\uFFFE', '\uFFFD').Replace('\uFFFF', '\uFFFD');
        if (text.Length <= MaxCellText) return text;
        var keep = MaxCellText - Cut.Length;
        if (char.IsHighSurrogate(text[keep - 1])) keep--;
        return string.Concat(text.AsSpan(0, keep), Cut);
    }

    /// <summary>The workbook's styles: a bold header, and ISO dates in each precision (the same in every locale).</summary>
    private sealed class Styles(Spreadsheet workbook)
    {
        public StyleId Header { get; } = workbook.AddStyle(new Style { Font = { Bold = true } });
        public StyleId Day { get; } = workbook.AddStyle(new Style { Format = NumberFormat.Custom("yyyy-mm-dd") });
        public StyleId Month { get; } = workbook.AddStyle(new Style { Format = NumberFormat.Custom("yyyy-mm") });
        public StyleId Year { get; } = workbook.AddStyle(new Style { Format = NumberFormat.Custom("yyyy") });
        public StyleId Instant { get; } = workbook.AddStyle(new Style { Format = NumberFormat.Custom("yyyy-mm-dd hh:mm:ss") });
    }
}
