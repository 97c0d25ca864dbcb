using Tracker.Http;
using Tracker.Portfolio;
using Tracker.Reports;
using Tracker.Reports.Rendering;

namespace Tracker.Workbench.Pages;

/// <summary>What moved in a period; the last 30 days unless said otherwise.</summary>
public sealed class ChangesModel(PortfolioReads portfolio, TimeProvider clock) : WorkbenchPage
{
    public string? From { get; private set; }
    public string? To { get; private set; }
    public string? KnownAt { get; private set; }
    public ChangesReport? Report { get; private set; }

    public async Task OnGetAsync(string? from, string? to, string? knownAt, int? page, CancellationToken ct)
    {
        // The API's default period ends on the same day (nothing said anywhere today is left out).
        var today = Tracker.Agreements.Deciding.Today.Anywhere(clock);
        From = string.IsNullOrWhiteSpace(from) ? ReportText.Date(today.AddDays(-30)) : from;
        To = string.IsNullOrWhiteSpace(to) ? ReportText.Date(today) : to;
        KnownAt = knownAt;
        var errors = ReportRequests.ParseChanges(From, To, knownAt, null, ReportFormat.Json, today, out var request);
        var paging = Paging.Parse(page, 100, errors);
        if (errors.Count > 0)
        {
            Show(errors);
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }
        Report = await portfolio.ChangesPageAsync(request!.From, request.To, request.KnownAt, paging, clock.GetUtcNow(), ct);
    }
}
