using System.Text;

namespace Tracker.Reports.Rendering;

/// <summary>A Markdown table built row by row from raw text: readable in a terminal, renders on a code host.</summary>
public sealed class MarkdownTable(params string[] headers)
{
    private readonly StringBuilder _text = new(Markdown.Header(headers));

    public MarkdownTable Add(params string?[] cells)
    {
        _text.Append(Markdown.Row(cells.Select(Markdown.Escape).ToArray()));
        return this;
    }

    public override string ToString() => _text.ToString();
}
