using System.Text;

namespace Tracker.Reports.Rendering;

/// <summary>RFC 4180: CRLF line ends; a field holding a comma, quote, CR or LF is quoted, its quotes doubled.</summary>
public static class Csv
{
    public static string Field(string? value)
    {
        if (string.IsNullOrEmpty(value)) return "";
        return value.AsSpan().IndexOfAny(",\"\r\n") < 0 ? value : "\"" + value.Replace("\"", "\"\"") + "\"";
    }

    public static void AppendRecord(StringBuilder csv, IEnumerable<string?> fields) =>
        csv.Append(string.Join(',', fields.Select(Field))).Append("\r\n");
}
