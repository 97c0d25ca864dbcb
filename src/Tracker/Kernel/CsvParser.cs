using System.Text;

namespace Tracker.Kernel;

/// <summary>RFC 4180 records from a reader, tracking the line each record starts on.</summary>
internal sealed class CsvParser(TextReader reader)
{
    public int Line { get; private set; }

    /// <summary>',' or ';': whichever separates the header row's names (decided on the first line).</summary>
    public char Delimiter { get; private set; } = ',';

    public async Task<(int Line, List<string> Fields)?> NextAsync(CancellationToken ct)
    {
        var text = await reader.ReadLineAsync(ct);
        if (text is null) return null;
        if (Line == 0) Delimiter = text.Count(c => c == ';') > text.Count(c => c == ',') ? ';' : ',';
        Line++;
        var start = Line;
        var fields = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        var i = 0;
        while (true)
        {
            if (i >= text.Length)
            {
                if (!quoted) break;
                // A quoted field runs on to the next line.
                text = await reader.ReadLineAsync(ct)
                       ?? throw new FormatException($"a quoted field opened on line {start} is never closed");
                Line++;
                field.Append('\n');
                i = 0;
                continue;
            }
            var ch = text[i++];
            if (quoted)
            {
                if (ch != '"') field.Append(ch);
                else if (i < text.Length && text[i] == '"') { field.Append('"'); i++; }
                else quoted = false;
            }
            else if (ch == '"' && field.Length == 0) quoted = true;
            else if (ch == Delimiter) { fields.Add(field.ToString()); field.Clear(); }
            else field.Append(ch);
        }
        fields.Add(field.ToString());
        return (start, fields);
    }
}
