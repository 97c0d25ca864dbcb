using System.Text;

namespace Tracker.Tests.Reports;

/// <summary>A strict RFC 4180 reader for the tests, written apart from the renderer so the two check each other.</summary>
public static class CsvText
{
    public static List<List<string>> Parse(string text)
    {
        var records = new List<List<string>>();
        var record = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c != '"') field.Append(c);
                else if (i + 1 < text.Length && text[i + 1] == '"') field.Append(text[++i]);
                else quoted = false;
            }
            else if (c == '"') quoted = field.Length == 0 ? true : throw new FormatException($"quote inside an unquoted field at {i}");
            else if (c == ',') { record.Add(field.ToString()); field.Clear(); }
            else if (c == '\r')
            {
                if (i + 1 >= text.Length || text[i + 1] != '\n') throw new FormatException($"CR without LF at {i}");
                i++;
                record.Add(field.ToString());
                field.Clear();
                records.Add(record);
                record = [];
            }
            else if (c == '\n') throw new FormatException($"bare LF outside quotes at {i}");
            else field.Append(c);
        }
        if (quoted) throw new FormatException("unterminated quoted field");
        if (field.Length > 0 || record.Count > 0) throw new FormatException("the last record does not end with CRLF");
        return records;
    }

    /// <summary>Records as name → value, by the header row; every record must have the header's width.</summary>
    public static List<Dictionary<string, string>> Rows(string text)
    {
        var records = Parse(text);
        var header = records[0];
        return records.Skip(1).Select(r =>
        {
            r.Count.ShouldBe(header.Count, "every record has as many fields as the header");
            return header.Zip(r).ToDictionary(p => p.First, p => p.Second);
        }).ToList();
    }
}
