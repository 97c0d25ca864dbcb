using Tracker.Agreements;
using Tracker.Reports;
using Tracker.Reports.Rendering;
using Tracker.Portfolio;

namespace Tracker.Tests.Reports;

/// <summary>
/// The analyst's first question about the seed case, "where does each commitment stand?", answered in every format,
/// and compared in full with the reviewed output in Golden/. The stages are those seeds/README.md argues for.
/// </summary>
public class SeedReportGoldenTests
{
    private static async Task<StatusReport> SeedStatusAsync() =>
        StatusReport.Build(await SeedCase.FoldAsync(), new StatusReportFilter(), asOf: null, knownAt: null, SeedCase.Clock.GetUtcNow());

    private static async Task<ChangesReport> SeedChangesInJuneAsync() =>
        ChangesReport.Build(await SeedCase.FoldAsync(), new DateOnly(2025, 6, 1), new DateOnly(2025, 6, 30), knownAt: null,
            SeedCase.Clock.GetUtcNow());

    [Fact]
    public async Task the_seed_case_reads_drones_raised_air_defence_and_other_weapons_under_examination_nothing_contested()
    {
        var report = await SeedStatusAsync();

        report.Rows.Select(r => (r.Status.CommitmentId, r.Status.Stage)).ShouldBe(
        [
            ("drone-production", Stage.Raised),
            ("air-defence-joint-production", Stage.UnderExamination),
            ("weapons-joint-production", Stage.UnderExamination),
        ]);
        report.Rows.ShouldAllBe(r => !r.Status.Contested);
        report.Rows.ShouldAllBe(r => r.Status.Since.ToString() == "2025-06");
        report.TotalsByStage.ShouldBe(new Dictionary<string, int> { ["raised"] = 1, ["under-examination"] = 2 }, ignoreOrder: true);
    }

    [Theory]
    [InlineData(ReportFormat.Markdown)]
    [InlineData(ReportFormat.Csv)]
    [InlineData(ReportFormat.Html)]
    [InlineData(ReportFormat.Json)]
    public async Task the_seed_status_report_is_the_reviewed_one(ReportFormat format)
    {
        var rendered = ReportRenderer.Render(await SeedStatusAsync(), format);

        GoldenFile.ShouldMatch(rendered.ToBytes(), $"seed-status.{format.Name()}");
    }

    [Theory]
    [InlineData(ReportFormat.Markdown)]
    [InlineData(ReportFormat.Csv)]
    [InlineData(ReportFormat.Html)]
    [InlineData(ReportFormat.Json)]
    public async Task the_seed_changes_in_june_2025_are_the_reviewed_ones(ReportFormat format)
    {
        var rendered = ReportRenderer.Render(await SeedChangesInJuneAsync(), format);

        GoldenFile.ShouldMatch(rendered.ToBytes(), $"seed-changes-2025-06.{format.Name()}");
    }
}
