using System.Globalization;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using DocumentFormat.OpenXml.Validation;

namespace Tracker.Tests.Reports;

public enum CellKind
{
    Empty,
    Text,
    Number,
    Boolean,
    Date,
    Formula,
}

/// <summary>A cell as a spreadsheet shows it: its kind, its value as stored, and the number format it is shown in.</summary>
public sealed record WorkbookCell(CellKind Kind, string Value, string? Format)
{
    public DateTime Date => Kind == CellKind.Date
        ? DateTime.FromOADate(double.Parse(Value, CultureInfo.InvariantCulture))
        : throw new InvalidOperationException($"a {Kind} cell ({Value}) is not a date");

    public decimal Number => Kind is CellKind.Number
        ? decimal.Parse(Value, NumberStyles.Float, CultureInfo.InvariantCulture)
        : throw new InvalidOperationException($"a {Kind} cell ({Value}) is not a number");

    public bool Boolean => Kind == CellKind.Boolean ? Value == "1" : throw new InvalidOperationException($"a {Kind} cell ({Value}) is not a boolean");

    public override string ToString() => $"{Kind}:{Value}" + (Format is null ? "" : $" [{Format}]");
}

/// <summary>A worksheet: its rows of cells (the first is the header), its frozen rows and its filter's range.</summary>
public sealed record WorkbookSheet(string Name, IReadOnlyList<IReadOnlyList<WorkbookCell>> Rows, int FrozenRows, string? AutoFilter)
{
    public IReadOnlyList<string> Header => [.. Rows[0].Select(c => c.Value)];

    /// <summary>The rows below the header, by column name, up to the first empty row (what follows is notes).</summary>
    public IReadOnlyList<IReadOnlyDictionary<string, WorkbookCell>> Records =>
    [
        .. Rows.Skip(1).TakeWhile(r => r.Any(c => c.Kind != CellKind.Empty))
            .Select(r => (IReadOnlyDictionary<string, WorkbookCell>)Header.Select((h, i) => (h, Cell: i < r.Count ? r[i] : Empty))
                .ToDictionary(x => x.h, x => x.Cell)),
    ];

    /// <summary>The notes below the table: the first cell of each row names, the second says.</summary>
    public IReadOnlyDictionary<string, WorkbookCell> Notes =>
        Rows.Skip(1).SkipWhile(r => r.Any(c => c.Kind != CellKind.Empty)).Where(r => r.Count >= 2)
            .ToDictionary(r => r[0].Value, r => r[1]);

    private static readonly WorkbookCell Empty = new(CellKind.Empty, "", null);
}

/// <summary>
/// An .xlsx file read with the Open XML SDK, apart from the code that writes it, as a spreadsheet would read it; and
/// checked against the Open XML schemas, which is what decides whether Excel opens a file or calls it damaged.
/// </summary>
public sealed record WorkbookFile(IReadOnlyList<WorkbookSheet> Sheets, IReadOnlyList<string> SchemaErrors)
{
    public WorkbookSheet this[string name] => Sheets.Single(s => s.Name == name);

    public static WorkbookFile Read(byte[] bytes)
    {
        using var stream = new MemoryStream(bytes);
        using var document = SpreadsheetDocument.Open(stream, isEditable: false);
        var errors = new OpenXmlValidator(FileFormatVersions.Office2019).Validate(document)
            .Select(e => $"{e.Part?.Uri} {e.Path?.XPath}: {e.Description}").ToList();
        var part = document.WorkbookPart!;
        var shared = part.SharedStringTablePart?.SharedStringTable.Elements<SharedStringItem>().Select(s => s.InnerText).ToList() ?? [];
        var formats = Formats(part);
        var sheets = part.Workbook.Sheets!.Elements<Sheet>().Select(sheet =>
        {
            var worksheet = ((WorksheetPart)part.GetPartById(sheet.Id!)).Worksheet;
            var rows = worksheet.Descendants<Row>().Select(row => Cells(row, shared, formats)).ToList();
            var pane = worksheet.Descendants<Pane>().FirstOrDefault();
            var frozen = pane is { State.Value: var state } && state == PaneStateValues.Frozen ? (int)(pane.VerticalSplit?.Value ?? 0) : 0;
            return new WorkbookSheet(sheet.Name!, rows, frozen, worksheet.Elements<AutoFilter>().FirstOrDefault()?.Reference?.Value);
        }).ToList();
        return new WorkbookFile(sheets, errors);
    }

    private static IReadOnlyList<WorkbookCell> Cells(Row row, List<string> shared, IReadOnlyList<string?> formats)
    {
        var cells = new List<WorkbookCell>();
        foreach (var cell in row.Elements<Cell>())
        {
            // Without a reference a cell is the next column; with one, empty columns before it are skipped.
            if (cell.CellReference?.Value is { } reference)
                while (cells.Count < ColumnOf(reference)) cells.Add(new WorkbookCell(CellKind.Empty, "", null));
            var format = cell.StyleIndex?.Value is { } style && style < formats.Count ? formats[(int)style] : null;
            cells.Add(Read(cell, shared, format));
        }
        return cells;
    }

    private static WorkbookCell Read(Cell cell, List<string> shared, string? format)
    {
        if (cell.CellFormula is not null) return new WorkbookCell(CellKind.Formula, cell.CellFormula.Text, format);
        var type = cell.DataType?.Value;
        if (type == CellValues.InlineString) return new WorkbookCell(CellKind.Text, cell.InlineString?.InnerText ?? "", format);
        if (type == CellValues.SharedString) return new WorkbookCell(CellKind.Text, shared[int.Parse(cell.CellValue!.Text)], format);
        if (type == CellValues.String) return new WorkbookCell(CellKind.Text, cell.CellValue?.Text ?? "", format);
        if (type == CellValues.Boolean) return new WorkbookCell(CellKind.Boolean, cell.CellValue!.Text, format);
        if (cell.CellValue is null) return new WorkbookCell(CellKind.Empty, "", format);
        var isDate = format is not null && format.Any(c => c is 'y' or 'd') && !format.Contains('"');
        return new WorkbookCell(isDate ? CellKind.Date : CellKind.Number, cell.CellValue.Text, format);
    }

    /// <summary>The number format code of each cell style, by style index (null: General).</summary>
    private static IReadOnlyList<string?> Formats(WorkbookPart part)
    {
        var stylesheet = part.WorkbookStylesPart?.Stylesheet;
        if (stylesheet?.CellFormats is null) return [];
        var custom = stylesheet.NumberingFormats?.Elements<NumberingFormat>()
            .ToDictionary(f => f.NumberFormatId!.Value, f => f.FormatCode!.Value) ?? [];
        return
        [
            .. stylesheet.CellFormats.Elements<CellFormat>().Select(f => f.NumberFormatId?.Value is { } id
                ? custom.GetValueOrDefault(id) ?? (id is >= 14 and <= 22 ? "builtin-date" : null)
                : null),
        ];
    }

    private static int ColumnOf(string reference)
    {
        var column = 0;
        foreach (var c in reference.TakeWhile(char.IsLetter)) column = column * 26 + (char.ToUpperInvariant(c) - 'A' + 1);
        return column - 1;
    }
}
