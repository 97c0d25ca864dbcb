using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using Tracker.Agreements;
using Tracker.Agreements.Deciding;
using Tracker.Kernel;

namespace Tracker.Import;

/// <summary>
/// CSV import: a header row, then one statement per row asserting one commitment (UTF-8, RFC 4180 quoting;
/// quoted fields may span lines). Fields are separated by commas, or by semicolons as spreadsheets in German, French
/// or Ukrainian settings write them (whichever the header row uses; in a semicolon file a decimal comma is a decimal
/// mark). Errors name the column, never the API's field path. Columns, in any order; only those marked * are required:
/// agreement_id*, statement_id, said_on*, speaker_name*, speaker_role, speaker_actor, place, quote*, language*,
/// translation, source_outlet*, source_kind*, source_url, source_published_on, source_reliability,
/// source_credibility, commitment_id*, stage*, quantity_amount, quantity_unit, note.
/// For a statement about several commitments, or for corrections and retractions, use JSON Lines.
/// </summary>
public static class CsvStatements
{
    public static readonly IReadOnlyList<string> Columns =
    [
        "agreement_id", "statement_id", "said_on", "speaker_name", "speaker_role", "speaker_actor", "place", "quote",
        "language", "translation", "source_outlet", "source_kind", "source_url", "source_published_on",
        "source_reliability", "source_credibility", "commitment_id", "stage", "quantity_amount", "quantity_unit", "note",
    ];

    /// <summary>The request field each column fills (see <see cref="ToCommand"/>): errors about the field name the column.</summary>
    private static readonly Dictionary<string, string> ColumnOfField = new(StringComparer.OrdinalIgnoreCase)
    {
        ["agreementId"] = "agreement_id", ["statementId"] = "statement_id", ["saidOn"] = "said_on",
        ["speaker.name"] = "speaker_name", ["speaker.role"] = "speaker_role", ["speaker.actor"] = "speaker_actor",
        ["place"] = "place", ["quote"] = "quote", ["language"] = "language", ["translation"] = "translation",
        ["source.outlet"] = "source_outlet", ["source.kind"] = "source_kind", ["source.url"] = "source_url",
        ["source.publishedOn"] = "source_published_on", ["source.reliability"] = "source_reliability",
        ["source.credibility"] = "source_credibility", ["assertions"] = "commitment_id",
        ["assertions[0].commitmentId"] = "commitment_id", ["assertions[0].stage"] = "stage",
        ["assertions[0].quantity"] = "quantity_amount", ["assertions[0].quantity.amount"] = "quantity_amount",
        ["assertions[0].quantity.unit"] = "quantity_unit", ["assertions[0].note"] = "note",
    };

    public static string ColumnOf(string field) => ColumnOfField.GetValueOrDefault(field, field);

    private static readonly string[] Required =
        ["agreement_id", "said_on", "speaker_name", "quote", "language", "source_outlet", "source_kind", "commitment_id", "stage"];

    public static async IAsyncEnumerable<ImportLine> ReadAsync(string path, [EnumeratorCancellation] CancellationToken ct)
    {
        var name = Path.GetFileName(path);
        using var reader = ImportReader.OpenStrict(path);
        var parser = new CsvParser(reader);
        Dictionary<string, int>? header = null;
        while (true)
        {
            (int Line, List<string> Fields)? row;
            string? error = null;
            int? badLine = null;
            try
            {
                row = await parser.NextAsync(ct);
            }
            catch (DecoderFallbackException)
            {
                // The line that failed to decode is the one after the last the parser counted.
                row = null;
                error = "is not valid UTF-8 (save the file as UTF-8); the rest of the file was not read";
                badLine = parser.Line + 1;
            }
            catch (FormatException e)
            {
                row = null;
                error = e.Message;
            }
            if (error is not null)
            {
                yield return new ImportLine(name, badLine ?? parser.Line, null, [new FieldError("line", error)]);
                yield break;
            }
            if (row is null) yield break;
            var (line, fields) = row.Value;

            if (header is null)
            {
                header = fields.Select((f, i) => (f.Trim().ToLowerInvariant(), i)).ToDictionary(x => x.Item1, x => x.i);
                var unknown = header.Keys.Where(k => !Columns.Contains(k)).ToList();
                var missing = Required.Where(r => !header.ContainsKey(r)).ToList();
                if (unknown.Count > 0 || missing.Count > 0)
                {
                    yield return new ImportLine(name, line, null,
                    [
                        .. unknown.Select(u => new FieldError(u, "is not a known column")),
                        .. missing.Select(m => new FieldError(m, "column is missing from the header")),
                    ]);
                    yield break;
                }
                continue;
            }
            if (fields.All(string.IsNullOrWhiteSpace)) continue;
            yield return ToCommand(name, line, fields, header, parser.Delimiter);
        }
    }

    private static ImportLine ToCommand(string file, int line, List<string> fields, Dictionary<string, int> header, char delimiter)
    {
        string? Get(string column) =>
            header.TryGetValue(column, out var i) && i < fields.Count && !string.IsNullOrWhiteSpace(fields[i]) ? fields[i].Trim() : null;

        var errors = new List<FieldError>();
        var statementId = Guid.Empty;
        if (Get("statement_id") is { } idText && !Guid.TryParse(idText, out statementId))
            errors.Add(new FieldError("statement_id", $"'{idText}' is not a GUID"));
        DateOnly? published = null;
        if (Get("source_published_on") is { } p)
        {
            if (DateOnly.TryParseExact(p, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)) published = d;
            else errors.Add(new FieldError("source_published_on", $"'{p}' is not a date (YYYY-MM-DD)"));
        }
        int? credibility = null;
        if (Get("source_credibility") is { } c)
        {
            if (int.TryParse(c, NumberStyles.None, CultureInfo.InvariantCulture, out var n)) credibility = n;
            else errors.Add(new FieldError("source_credibility", $"'{c}' is not a whole number"));
        }
        Quantity? quantity = null;
        if (Get("quantity_amount") is { } a)
        {
            // A semicolon file comes from a spreadsheet whose locale writes 2,5 for 2.5.
            var number = delimiter == ';' ? a.Replace(',', '.') : a;
            var style = delimiter == ';' ? NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingSign : NumberStyles.Number;
            if (decimal.TryParse(number, style, CultureInfo.InvariantCulture, out var amount))
                quantity = new Quantity(amount, Get("quantity_unit") ?? "");
            else errors.Add(new FieldError("quantity_amount", $"'{a}' is not a number"));
        }
        if (errors.Count > 0) return new ImportLine(file, line, null, errors, ColumnOf);

        var command = new RecordStatement(
            Get("agreement_id")!, statementId, Get("said_on"),
            new SpeakerInput(Get("speaker_name"), Get("speaker_role"), Get("speaker_actor")),
            Get("place"), Get("quote"), Get("language"), Get("translation"),
            new SourceInput(Get("source_outlet"), Get("source_kind"), Get("source_url"), published, Get("source_reliability"), credibility),
            [new AssertionInput(Get("commitment_id"), Get("stage"), quantity, Get("note"))]);
        return ImportReader.Checked(file, line, command, "agreement_id", ColumnOf);
    }
}
