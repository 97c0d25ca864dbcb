using Tracker.Agreements;
using Tracker.Reports;
using Tracker.Tests.Domain;
using Tracker.Portfolio;

namespace Tracker.Tests.Reports;

/// <summary>Which period a move belongs to when all we know is the month or the year it was said in.</summary>
public class ChangesPeriodTests
{
    private static IReadOnlyList<string> MovedBetween(string from, string to)
    {
        var story = new AgreementStory(commitments: ["drones", "air-defence"]);
        story.Say("2025-06", "drones", Stage.UnderExamination);
        story.Say("2025", "air-defence", Stage.Announced);
        return ChangesReport.Build([story.Agreement], DateOnly.Parse(from), DateOnly.Parse(to), null, ReportStory.GeneratedAt)
            .Changes.Select(c => c.CommitmentId).ToList();
    }

    [Fact]
    public void a_move_dated_only_by_month_or_year_counts_on_the_last_day_it_can_mean_as_as_of_does()
    {
        MovedBetween("2025-06-01", "2025-06-10").ShouldBeEmpty("'June 2025' may mean June 30");
        MovedBetween("2025-06-01", "2025-06-30").ShouldBe(["drones"]);
        MovedBetween("2025-07-01", "2025-12-31").ShouldBe(["air-defence"], "'2025' counts in the second half, as of its end");
        MovedBetween("2025-01-01", "2025-06-30").ShouldBe(["drones"]);
    }
}
