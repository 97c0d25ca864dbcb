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

    /// <summary>A typed value (<see cref="StatusFields"/>) as the report's invariant text: yes/no, ISO dates, amounts without separators.</summary>
    public static string? Text(object? value) => value switch
    {
        null => null,
        string text => text,
        int count => count.ToString(System.Globalization.CultureInfo.InvariantCulture),
        decimal amount => ReportText.Amount(amount),
        bool flag => ReportText.YesNo(flag),
        DateOnly date => ReportText.Date(date),
        Agreements.SaidOn saidOn => ReportText.SaidOn(saidOn),
        DateTimeOffset instant => ReportText.Instant(instant),
        _ => throw new ArgumentException($"no CSV text for a {value.GetType().Name}", nameof(value)),
    };

    public static void AppendRecord(StringBuilder csv, IEnumerable<string?> fields) =>
        csv.Append(string.Join(',', fields.Select(Field))).Append("\r\n");
}
