using System.Text.RegularExpressions;
using System.Xml.Linq;
using Tracker.Agreements;
using Tracker.Reports.Rendering;

namespace Tracker.Tests.Reports;

/// <summary>The timeline an analyst scans in the HTML report: one marker per stage change, placed in time, readable aloud.</summary>
public partial class TimelineTests
{
    private static XElement Svg(CommitmentStatus status)
    {
        var svg = SvgTimeline.Render(status, "t1");
        // Well-formed XML as well as HTML: the same markup works as a standalone .svg file.
        return XElement.Parse(svg);
    }

    private static readonly XNamespace Ns = "http://www.w3.org/2000/svg";

    [Fact]
    public void a_commitment_nobody_has_spoken_of_gets_an_empty_axis_that_says_so()
    {
        var status = ReportStory.Only(ReportStory.StatusOf("Drones"));

        var svg = Svg(status);

        svg.Descendants(Ns + "circle").ShouldBeEmpty();
        svg.Value.ShouldContain("no statement yet");
        svg.Attribute("aria-label")!.Value.ShouldBe("Timeline of c1: no statement yet.");
    }

    [Fact]
    public void a_single_transition_is_one_labelled_marker_in_the_middle()
    {
        var status = ReportStory.Only(ReportStory.StatusOf("Drones", (s, c) => s.Say("2025-06", c, Stage.Raised)));

        var svg = Svg(status);

        var marker = svg.Descendants(Ns + "circle").ShouldHaveSingleItem();
        marker.Attribute("cx")!.Value.ShouldBe("220");
        svg.Descendants(Ns + "text").Select(t => t.Value).ShouldBe(["raised", "2025-06"]);
        svg.Attribute("role")!.Value.ShouldBe("img");
        svg.Element(Ns + "title")!.Value.ShouldBe("Timeline of c1: raised from 2025-06.");
    }

    [Fact]
    public void transitions_are_placed_left_to_right_in_proportion_to_their_dates()
    {
        var status = ReportStory.Only(ReportStory.StatusOf("Air defence", (s, c) =>
        {
            s.Say("2025-01-01", c, Stage.Raised);
            s.Say("2025-01-11", c, Stage.Announced);
            s.Say("2025-01-31", c, Stage.Signed);
        }));

        var xs = Svg(status).Descendants(Ns + "circle").Select(c => double.Parse(c.Attribute("cx")!.Value, System.Globalization.CultureInfo.InvariantCulture)).ToList();

        xs.Count.ShouldBe(3);
        xs.ShouldBeInOrder(SortDirection.Ascending);
        ((xs[1] - xs[0]) / (xs[2] - xs[0])).ShouldBe(10.0 / 30.0, tolerance: 0.01);
    }

    [Fact]
    public void a_contested_commitment_is_marked_in_red_with_a_diamond_per_conflicting_statement_and_says_so_aloud()
    {
        var status = ReportStory.Only(ReportStory.StatusOf("Air defence", (s, c) =>
        {
            s.Say("2025-06-05", c, Stage.Signed, speaker: "Sébastien Lecornu", actor: "FRA");
            s.Say("2025-06-20", c, Stage.Announced);
        }));

        var svg = Svg(status);

        svg.Descendants(Ns + "circle").ShouldHaveSingleItem().Attribute("stroke")!.Value.ShouldBe(Html.ContestedColour);
        svg.Descendants(Ns + "g").Where(g => g.Attribute("class")?.Value == "conflict").ShouldHaveSingleItem();
        svg.Attribute("aria-label")!.Value.ShouldBe(
            "Timeline of c1: signed from 2025-06-05. Contested by Rustem Umerov (UKR) on 2025-06-20 (announced).");
    }

    [Fact]
    public void every_timeline_on_a_page_has_its_own_id()
    {
        var story = new Tracker.Tests.Domain.AgreementStory("t-report", "a", "b", "c");
        story.Say("2025-06-05", "a", Stage.Raised);

        var html = HtmlReport.Status(ReportStory.Status(story));

        var ids = SvgId().Matches(html).Select(m => m.Groups[1].Value).ToList();
        ids.Count.ShouldBe(3);
        ids.Distinct().Count().ShouldBe(3);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void every_label_lies_inside_the_picture_even_the_longest_stage_at_either_end(bool contested)
    {
        // The README's own picture: under-examination at the left edge, then signed, contested by a later "announced";
        // and the longest stage name at the right edge.
        var status = ReportStory.Only(ReportStory.StatusOf("Air defence", (s, c) =>
        {
            s.Say("2025-06-05", c, contested ? Stage.UnderExamination : Stage.Raised);
            s.Say("2025-07-01", c, contested ? Stage.Signed : Stage.UnderExamination, speaker: "Sébastien Lecornu", actor: "FRA");
            if (contested) s.Say("2025-07-15", c, Stage.Announced);
        }));
        status.Contested.ShouldBe(contested);
        var svg = Svg(status);
        var viewBox = svg.Attribute("viewBox")!.Value.Split(' ').Select(Parse).ToArray();
        // What the browser falls back to when the picture sets no size is the page's: 16 px in the workbench.
        var fontSize = svg.Attribute("font-size") is { } size ? Parse(size.Value) : 16;

        var texts = svg.Descendants(Ns + "text").ToList();
        texts.Count.ShouldBeGreaterThan(3);
        foreach (var text in texts)
        {
            // 0.6 em a character is what wide sans-serif faces (DejaVu Sans, Debian's default) average for these labels.
            var width = text.Value.Length * fontSize * (text.Attribute("font-weight")?.Value == "bold" ? 0.68 : 0.6);
            var x = Parse(text.Attribute("x")!.Value);
            var y = Parse(text.Attribute("y")!.Value);
            var left = (text.Attribute("text-anchor")?.Value) switch { "middle" => x - width / 2, "end" => x - width, _ => x };
            left.ShouldBeGreaterThanOrEqualTo(viewBox[0], $"'{text.Value}' starts left of the picture");
            (left + width).ShouldBeLessThanOrEqualTo(viewBox[0] + viewBox[2], $"'{text.Value}' ends right of the picture");
            (y - 0.8 * fontSize).ShouldBeGreaterThanOrEqualTo(viewBox[1], $"'{text.Value}' rises above the picture");
            (y + 0.25 * fontSize).ShouldBeLessThanOrEqualTo(viewBox[1] + viewBox[3], $"'{text.Value}' hangs below the picture");
        }
    }

    private static double Parse(string number) => double.Parse(number, System.Globalization.CultureInfo.InvariantCulture);

    [GeneratedRegex("<svg class=\"timeline\" id=\"([^\"]+)\"")]
    private static partial Regex SvgId();
}
