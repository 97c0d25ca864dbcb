using Tracker.Agreements;
using Tracker.Reports;
using Tracker.Tests.Domain;
using Tracker.Portfolio;

namespace Tracker.Tests.Reports;

/// <summary>Small agreements for the renderer tests, built by folding events like the store does.</summary>
public static class ReportStory
{
    public static readonly DateTimeOffset GeneratedAt = new(2025, 12, 31, 17, 30, 0, TimeSpan.Zero);

    /// <summary>One agreement with one commitment under the given title, and whatever <paramref name="say"/> records.</summary>
    public static StatusReport StatusOf(string title, Action<AgreementStory, string>? say = null, DateOnly? asOf = null)
    {
        var story = new AgreementStory("t-report");
        story.Append(new CommitmentAdded("t-report", "c1", title, Category.AirDefence, ["UKR", "FRA"], null, null));
        say?.Invoke(story, "c1");
        return StatusReport.Build([story.Agreement], new StatusReportFilter(), asOf, null, GeneratedAt);
    }

    public static StatusReport Status(AgreementStory story, StatusReportFilter? filter = null) =>
        StatusReport.Build([story.Agreement], filter ?? new StatusReportFilter(), null, null, GeneratedAt);

    public static CommitmentStatus Only(StatusReport report) => report.Rows.ShouldHaveSingleItem().Status;
}
