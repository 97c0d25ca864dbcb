using System.Globalization;
using System.Text;

namespace Tracker.Sources;

/// <summary>
/// Finds a quote in a captured text the way a reader would recognise it: whitespace of any kind and amount is one
/// space, typographic quotes and apostrophes are plain ones, dashes are hyphens, case does not matter. The selector
/// gives the text exactly as it is in the capture, with up to <see cref="Context"/> characters before and after.
/// </summary>
public static class QuoteLocator
{
    public const int Context = 32;

    public static TextQuoteSelector? Locate(string text, string quote)
    {
        var (needle, _) = Normalise(Unenclosed(quote.Trim()));
        if (needle.Length == 0) return null;
        var (haystack, map) = Normalise(text);
        var at = haystack.IndexOf(needle, StringComparison.Ordinal);
        if (at < 0) return null;
        var start = map[at];
        var end = map[at + needle.Length - 1] + 1;
        return new TextQuoteSelector(text[start..end], text[Math.Max(0, start - Context)..start],
            text[end..Math.Min(text.Length, end + Context)]);
    }

    /// <summary>The quote without the quotation marks an analyst may have typed around it (the page has its own).</summary>
    private static string Unenclosed(string quote)
    {
        const string marks = "\"'“”„«»‘’‹›";
        return quote.Length > 2 && marks.Contains(quote[0]) && marks.Contains(quote[^1]) ? quote[1..^1].Trim() : quote;
    }

    /// <summary>The normalised text and, for each of its characters, where it came from in the original.</summary>
    private static (string Text, int[] Map) Normalise(string text)
    {
        var builder = new StringBuilder(text.Length);
        var map = new List<int>(text.Length);
        var space = true; // leading whitespace dropped
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsWhiteSpace(c) || c is '\u00a0' or '\u200b')
            {
                if (!space) { builder.Append(' '); map.Add(i); }
                space = true;
                continue;
            }
            space = false;
            c = c switch
            {
                '‘' or '’' or '‚' or '‛' or '′' or '`' or '´' => '\'',
                '“' or '”' or '„' or '‟' or '″' or '«' or '»' => '"',
                '–' or '—' or '‒' or '―' or '−' or '‐' or '‑' => '-',
                _ => c,
            };
            builder.Append(char.ToLower(c, CultureInfo.InvariantCulture));
            map.Add(i);
        }
        if (builder.Length > 0 && builder[^1] == ' ') { builder.Length--; map.RemoveAt(map.Count - 1); }
        return (builder.ToString(), map.ToArray());
    }
}
