using System.Text;
using Tracker.Agreements;
using Tracker.Portfolio;

namespace Tracker.Reports.Rendering;

/// <summary>The page around an HTML report: one standalone file, inline CSS, nothing fetched from anywhere.</summary>
public static class Html
{
    /// <summary>
    /// Escapes text for element content and quoted attribute values alike. Only the five significant characters:
    /// WebUtility.HtmlEncode would also turn é or ü into numeric references, which is correct but unreadable.
    /// </summary>
    public static string Escape(string? text)
    {
        if (string.IsNullOrEmpty(text)) return "";
        if (text.AsSpan().IndexOfAny("&<>\"'") < 0) return text;
        var sb = new StringBuilder(text.Length + 16);
        foreach (var c in text)
            sb.Append(c switch
            {
                '&' => "&amp;",
                '<' => "&lt;",
                '>' => "&gt;",
                '"' => "&quot;",
                '\'' => "&#39;",
                _ => c.ToString(),
            });
        return sb.ToString();
    }

    /// <summary>One colour per stage, shared by the badges and the timeline markers: blues up the ladder to the
    /// greens of delivery; orange and greys off it.</summary>
    public static string Colour(Stage? stage) => stage switch
    {
        Stage.Raised => "#9ecae1",
        Stage.UnderExamination => "#6baed6",
        Stage.Announced => "#4292c6",
        Stage.Signed => "#2171b5",
        Stage.Binding => "#08519c",
        Stage.InEffect => "#41ab5d",
        Stage.Fulfilled => "#006d2c",
        Stage.Stalled => "#fd8d3c",
        Stage.Withdrawn => "#969696",
        Stage.Rejected => "#525252",
        _ => "#d9d9d9",
    };

    public const string ContestedColour = "#d7301f";

    public static string StageBadge(Stage? stage) =>
        $"<span class=\"stage\" style=\"border-left-color:{Colour(stage)}\">{Escape(ReportText.Stage(stage))}</span>";

    public static void Begin(StringBuilder html, string title)
    {
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
            .Append("<title>").Append(Escape(title)).Append("</title>\n<style>\n").Append(Style).Append("</style>\n</head>\n<body>\n")
            .Append("<h1>").Append(Escape(title)).Append("</h1>\n");
    }

    public static void End(StringBuilder html) => html.Append("</body>\n</html>\n");

    /// <summary>The report's header: label and value pairs, values already escaped.</summary>
    public static void Facts(StringBuilder html, params (string Label, string Value)[] facts)
    {
        html.Append("<dl class=\"facts\">\n");
        foreach (var (label, value) in facts) html.Append($"<dt>{Escape(label)}</dt><dd>{value}</dd>\n");
        html.Append("</dl>\n");
    }

    public static string List(IEnumerable<string> escapedItems)
    {
        var items = escapedItems.ToList();
        return items.Count == 0 ? "—" : "<ul>" + string.Concat(items.Select(i => $"<li>{i}</li>")) + "</ul>";
    }

    /// <summary>
    /// A cited statement in full: who, where and when, the words in their language with the translation, links to
    /// the source and its archived copy, and the statement id.
    /// </summary>
    public static string Citation(string text, CitedStatement? s)
    {
        if (s is null) return Escape(text);
        var html = new StringBuilder(Escape(text))
            .Append($"<blockquote lang=\"{Escape(s.Language)}\">{Escape(s.Quote)}</blockquote>");
        if (s.Translation is { Length: > 0 } translation) html.Append($"<p class=\"translation\">Translation: {Escape(translation)}</p>");
        var links = new List<string>();
        if (s.Role is { Length: > 0 } || s.Person is not null) links.Add(Escape(ReportText.SpeakerWithRole(s)));
        if (s.Url is { Length: > 0 } url) links.Add($"<a href=\"{Escape(url)}\">source</a>");
        if (s.ArchiveUrl is { Length: > 0 } archive) links.Add($"<a href=\"{Escape(archive)}\">archived copy</a>");
        links.Add($"statement <code>{s.StatementId}</code>");
        return html.Append($"<p class=\"cited\">{string.Join(" · ", links)}</p>").ToString();
    }

    public static string OrDash(string text) => text.Length == 0 ? "—" : Escape(text);

    private const string Style = """
        body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif; margin: 2rem; color: #1a1a1a; line-height: 1.4; }
        h1 { margin-bottom: 0.5rem; }
        h2 { margin-top: 2rem; border-bottom: 1px solid #ddd; padding-bottom: 0.2rem; }
        dl.facts { display: grid; grid-template-columns: max-content auto; gap: 0.2rem 1rem; }
        dl.facts dt { font-weight: 600; }
        dl.facts dd { margin: 0; }
        table { border-collapse: collapse; margin: 0.5rem 0 1rem; }
        th, td { border: 1px solid #ddd; padding: 0.35rem 0.6rem; text-align: left; vertical-align: top; }
        thead th { background: #f3f3f3; }
        td.number { text-align: right; font-variant-numeric: tabular-nums; }
        ul { margin: 0; padding-left: 1.1rem; }
        code { font-size: 0.9em; color: #555; }
        .stage { border-left: 0.6em solid; padding-left: 0.35em; white-space: nowrap; }
        .contested, .overdue { color: #d7301f; font-weight: 600; }
        blockquote { margin: 0.3rem 0 0.2rem 0.6rem; padding-left: 0.5rem; border-left: 3px solid #ccc; font-style: italic; }
        p.translation, p.cited { margin: 0 0 0.5rem 0.6rem; font-size: 0.9em; }
        tr.timeline td { border-top: none; }
        svg.timeline { display: block; width: 41.25rem; max-width: 100%; height: auto; } /* 1.5 times its 440 units: 15 px labels */
        svg.timeline text { font: 10px system-ui, sans-serif; fill: #1a1a1a; }

        """;
}
