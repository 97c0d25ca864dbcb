using System.Text;

namespace Tracker.Reports.Rendering;

/// <summary>
/// A report format as pieces of text: what comes before the rows, each row, the rows' groups (one agreement's
/// commitments share a heading and a table), and what comes after. Written this way a report streams: a whole
/// portfolio goes from the database to the client row by row, and memory holds one row at a time.
/// </summary>
public sealed record ReportLayout<THead, TRow>(
    Func<THead, string> Begin,
    Func<TRow, int, string> Row,
    Func<THead, string> End,
    Func<TRow, string>? GroupOf = null,
    Func<TRow, string>? GroupStart = null,
    string GroupEnd = "")
{
    public async Task WriteAsync(TextWriter writer, THead head, IAsyncEnumerable<TRow> rows, CancellationToken ct)
    {
        await writer.WriteAsync(Begin(head));
        string? group = null;
        var n = 0;
        await foreach (var row in rows.WithCancellation(ct))
        {
            await writer.WriteAsync(Between(ref group, row));
            await writer.WriteAsync(Row(row, ++n));
            if (n % 256 == 0) await writer.FlushAsync(ct);
        }
        if (group is not null) await writer.WriteAsync(GroupEnd);
        await writer.WriteAsync(End(head));
        await writer.FlushAsync(ct);
    }

    public string Write(THead head, IEnumerable<TRow> rows)
    {
        var text = new StringBuilder(Begin(head));
        string? group = null;
        var n = 0;
        foreach (var row in rows) text.Append(Between(ref group, row)).Append(Row(row, ++n));
        if (group is not null) text.Append(GroupEnd);
        return text.Append(End(head)).ToString();
    }

    /// <summary>The end of the previous group and the start of the next, when this row begins one.</summary>
    private string Between(ref string? group, TRow row)
    {
        if (GroupOf is null || GroupOf(row) == group) return "";
        var between = (group is null ? "" : GroupEnd) + (GroupStart?.Invoke(row) ?? "");
        group = GroupOf(row);
        return between;
    }
}
