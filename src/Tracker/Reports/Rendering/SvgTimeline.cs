using System.Globalization;
using System.Text;
using Tracker.Agreements;

namespace Tracker.Reports.Rendering;

/// <summary>
/// A commitment's stage history as an inline SVG: a horizontal time axis from its first transition to its last
/// dated event, a labelled marker per transition, and, when it is contested, the current stage's marker ringed in red
/// and each conflicting statement drawn as a red diamond. Read by screen readers through role="img", an aria-label
/// and a title that spell the history out.
/// </summary>
public static class SvgTimeline
{
    private const int Width = 440, Height = 96, Pad = 60, AxisY = 56, Radius = 6;

    /// <summary>
    /// Set on the picture rather than inherited: a label's extent is only known if its size is, and a page's 16 px
    /// font scaled up with the picture pushed "under-examination" off its left edge.
    /// </summary>
    public const int FontSize = 12;

    /// <summary>A conservative width per character, in ems (wide sans-serif faces such as DejaVu Sans run to about 0.6).</summary>
    public const double EmPerChar = 0.62, EmPerBoldChar = 0.7;

    /// <param name="id">Unique within the page; prefixes the element ids.</param>
    public static string Render(CommitmentStatus status, string id)
    {
        var summary = Summary(status);
        var svg = new StringBuilder();
        svg.Append($"<svg class=\"timeline\" id=\"{Html.Escape(id)}\" xmlns=\"http://www.w3.org/2000/svg\" ")
            .Append($"width=\"{Width}\" height=\"{Height}\" viewBox=\"0 0 {Width} {Height}\" font-size=\"{FontSize}\" role=\"img\" ")
            .Append($"aria-label=\"{Html.Escape(summary)}\">\n")
            .Append($"<title>{Html.Escape(summary)}</title>\n");

        if (status.Transitions.Count == 0)
        {
            // Nothing to place in time: an empty axis says so rather than leaving a hole in the table.
            svg.Append($"<line x1=\"{Pad}\" y1=\"{AxisY}\" x2=\"{Width - Pad}\" y2=\"{AxisY}\" stroke=\"#bbb\" stroke-dasharray=\"4 4\"/>\n")
                .Append($"<text x=\"{Width / 2}\" y=\"{AxisY - 10}\" text-anchor=\"middle\">no statement yet</text>\n");
            return svg.Append("</svg>").ToString();
        }

        var first = status.Transitions.Min(t => t.SaidOn.Start);
        var last = status.Transitions.Select(t => t.SaidOn.Start).Concat(status.Conflicting.Select(c => c.SaidOn.Start)).Max();
        double X(SaidOn saidOn) => last == first
            ? Width / 2.0 // one date only: centred, an axis of length zero has no left or right
            : Pad + (saidOn.Start.DayNumber - first.DayNumber) * (Width - 2.0 * Pad) / (last.DayNumber - first.DayNumber);

        svg.Append($"<line x1=\"{Pad - 10}\" y1=\"{AxisY}\" x2=\"{Width - Pad + 10}\" y2=\"{AxisY}\" stroke=\"#888\" stroke-width=\"1.5\"/>\n");

        for (var i = 0; i < status.Transitions.Count; i++)
        {
            var t = status.Transitions[i];
            var x = Number(X(t.SaidOn));
            var isCurrent = i == status.Transitions.Count - 1;
            // Neighbouring labels alternate between two rows so that close dates do not print over each other.
            var row = i % 2 * 12;
            var ring = isCurrent && status.Contested
                ? $" stroke=\"{Html.ContestedColour}\" stroke-width=\"3\" stroke-dasharray=\"3 2\""
                : " stroke=\"#333\" stroke-width=\"1\"";
            svg.Append("<g class=\"transition\">")
                .Append($"<title>{Html.Escape(TransitionText(t))}</title>")
                .Append($"<circle cx=\"{x}\" cy=\"{AxisY}\" r=\"{Radius}\" fill=\"{Html.Colour(t.To)}\"{ring}/>")
                .Append(Label(X(t.SaidOn), AxisY - 12 - row, t.To.Name()))
                .Append(Label(X(t.SaidOn), AxisY + 20 + row, t.SaidOn.ToString()))
                .Append("</g>\n");
        }

        foreach (var c in status.Conflicting)
        {
            var x = X(c.SaidOn);
            svg.Append("<g class=\"conflict\">")
                .Append($"<title>{Html.Escape("Contested: " + ReportText.Conflict(c))}</title>")
                .Append($"<path d=\"M{Number(x)} {AxisY - 5}l5 5-5 5-5-5z\" fill=\"{Html.ContestedColour}\"/>")
                .Append("</g>\n");
        }
        if (status.Contested)
            svg.Append($"<text x=\"{Width - 4}\" y=\"{FontSize + 1}\" text-anchor=\"end\" fill=\"{Html.ContestedColour}\" font-weight=\"bold\">contested</text>\n");
        return svg.Append("</svg>").ToString();
    }

    /// <summary>The whole history in words, for the accessible name: what a sighted reader gets from the picture.</summary>
    public static string Summary(CommitmentStatus status)
    {
        var text = $"Timeline of {status.CommitmentId}: ";
        if (status.Transitions.Count == 0) return text + "no statement yet.";
        text += string.Join("; ", status.Transitions.Select(t => $"{t.To.Name()} from {t.SaidOn}")) + ".";
        if (status.Contested)
            text += " Contested by " + string.Join("; ", status.Conflicting.Select(c => $"{ReportText.Speaker(c)} on {c.SaidOn} ({c.Stage.Name()})")) + ".";
        return text;
    }

    private static string TransitionText(StageTransition t) =>
        $"{ReportText.Stage(t.From)} → {t.To.Name()}, {t.SaidOn}: {ReportText.Speaker(t.Evidence)}, {t.Evidence.Outlet}";

    /// <summary>Centred on its marker, but moved inward where that would run past the picture's edge.</summary>
    private static string Label(double x, int y, string text)
    {
        var half = text.Length * EmPerChar * FontSize / 2;
        var centre = Math.Clamp(x, half + 2, Width - half - 2);
        return $"<text x=\"{Number(centre)}\" y=\"{y}\" text-anchor=\"middle\">{Html.Escape(text)}</text>";
    }

    private static string Number(double value) => value.ToString("0.#", CultureInfo.InvariantCulture);
}
