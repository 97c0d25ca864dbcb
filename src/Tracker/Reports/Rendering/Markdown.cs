using System.Text;
using Tracker.Portfolio;

namespace Tracker.Reports.Rendering;

/// <summary>Escaping for GitHub-flavoured Markdown table cells and running text.</summary>
public static class Markdown
{
    /// <summary>
    /// Backslash-escapes the characters that would end a cell (<c>|</c>) or turn text into markup (emphasis, code,
    /// links, inline HTML, strike-through), and turns line breaks into <c>&lt;br&gt;</c>: a raw newline would end
    /// the table row. Quotes and titles are analysts' text and must show as typed.
    /// </summary>
    public static string Escape(string? text)
    {
        if (string.IsNullOrEmpty(text)) return "";
        var sb = new StringBuilder(text.Length + 8);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            switch (c)
            {
                case '\r':
                    if (i + 1 < text.Length && text[i + 1] == '\n') i++;
                    sb.Append("<br>");
                    break;
                case '\n':
                    sb.Append("<br>");
                    break;
                case '\\' or '|' or '*' or '_' or '`' or '[' or ']' or '<' or '>' or '~':
                    sb.Append('\\').Append(c);
                    break;
                default:
                    sb.Append(c);
                    break;
            }
        }
        return sb.ToString();
    }

    /// <summary>A link whose address cannot end early: parentheses and spaces are percent-encoded.</summary>
    public static string Link(string text, string url) =>
        $"[{Escape(text)}]({url.Replace("(", "%28").Replace(")", "%29").Replace(" ", "%20").Replace("<", "%3C").Replace(">", "%3E")})";

    /// <summary>
    /// A cited statement in full, for a table cell: who (role, actor), where, when, the words and their translation,
    /// links to the source and its archived copy, and the statement id to find it by.
    /// </summary>
    public static string Citation(string text, CitedStatement? s)
    {
        if (s is null) return Escape(text);
        var cell = new StringBuilder(Escape(text)).Append(": ").Append(Escape(ReportText.Words(s)));
        if (s.Role is { Length: > 0 } || s.Person is not null) cell.Append(" — ").Append(Escape(ReportText.SpeakerWithRole(s)));
        if (s.Url is { Length: > 0 } url) cell.Append(' ').Append(Link("source", url));
        if (s.ArchiveUrl is { Length: > 0 } archive) cell.Append(' ').Append(Link("archived", archive));
        return cell.Append(" (statement `").Append(s.StatementId).Append("`)").ToString();
    }

    /// <summary>A table row from already-escaped cells; an empty cell shows as a dash so the column reads as "nothing".</summary>
    public static string Row(params string[] cells) =>
        "| " + string.Join(" | ", cells.Select(c => c.Length == 0 ? "—" : c)) + " |\n";

    public static string Header(params string[] columns) =>
        Row(columns) + "| " + string.Join(" | ", columns.Select(_ => "---")) + " |\n";
}
