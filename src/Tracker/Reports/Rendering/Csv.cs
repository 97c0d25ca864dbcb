using System.Text;

namespace Tracker.Reports.Rendering;

/// <summary>
/// RFC 4180: CRLF line ends; a field holding a comma, quote, CR or LF is quoted, its quotes doubled. Text that a
/// spreadsheet would run as a formula (=, +, -, @ first) gets a leading apostrophe, which spreadsheets show as text;
/// numbers, negative ones included, are left alone.
/// </summary>
public static class Csv
{
    public static string Field(string? value)
    {
        if (string.IsNullOrEmpty(value)) return "";
        if (LooksLikeFormula(value)) value = "'" + value;
        return value.AsSpan().IndexOfAny(",\"\r\n") < 0 ? value : "\"" + value.Replace("\"", "\"\"") + "\"";
    }

    private static bool LooksLikeFormula(string value) =>
        value[0] is '=' or '+' or '@' or '\t' or '\r'
        || value[0] == '-' && !decimal.TryParse(value, System.Globalization.NumberStyles.Number,
            System.Globalization.CultureInfo.InvariantCulture, out _);

    public static void AppendRecord(StringBuilder csv, IEnumerable<string?> fields) =>
        csv.Append(string.Join(',', fields.Select(Field))).Append("\r\n");
}
