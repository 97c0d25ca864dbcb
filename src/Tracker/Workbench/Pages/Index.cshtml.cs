using Tracker.Agreements;
using Tracker.Http;
using Tracker.Portfolio;
using Tracker.Reports;
using Tracker.Reports.Rendering;
using Tracker.Kernel;

namespace Tracker.Workbench.Pages;

/// <summary>Every commitment's status, filtered and on both clocks: the status report's JSON page, as a page.</summary>
public sealed class PortfolioModel(PortfolioReads portfolio, Npgsql.NpgsqlDataSource dataSource, TimeProvider clock) : WorkbenchPage
{
    public string? Agreement { get; private set; }
    public string? Party { get; private set; }
    public string? Category { get; private set; }
    public string? Stage { get; private set; }
    public string? Contested { get; private set; }
    public string? Speaker { get; private set; }
    public string? Actor { get; private set; }
    public string? AsOf { get; private set; }
    public string? KnownAt { get; private set; }
    public StatusReport? Report { get; private set; }

    public async Task OnGetAsync(string? agreement, string? party, string? category, string? stage, string? contested,
        string? speaker, string? actor, string? asOf, string? knownAt, int? page, CancellationToken ct)
    {
        (Agreement, Party, Category, Stage, Contested, AsOf, KnownAt) = (agreement, party, category, stage, contested, asOf, knownAt);
        (Speaker, Actor) = (speaker, actor);
        var (errors, request) = await ReportRequests.ParseStatusAsync(dataSource,
            new(agreement, party, category, stage, contested, Speaker: speaker, Actor: actor), asOf, knownAt, null, ReportFormat.Json, ct);
        var paging = Paging.Parse(page, 50, errors);
        if (errors.Count > 0)
        {
            Show(errors);
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }
        Report = await portfolio.StatusPageAsync(request!.Filter, request.Clocks, paging,
            clock.GetUtcNow(), ct);
    }

    /// <summary>This view's filters and clocks as a query string, for a format's download or another page.</summary>
    public string QueryFor(string? format, int? page = null) => string.Join("&", new (string, string?)[]
        {
            ("agreement", Agreement), ("party", Party), ("category", Category), ("stage", Stage), ("contested", Contested),
            ("speaker", Speaker), ("actor", Actor), ("asOf", AsOf),
            ("knownAt", KnownAt), ("format", format), ("page", page?.ToString()),
        }
        .Where(p => !string.IsNullOrWhiteSpace(p.Item2))
        .Select(p => $"{p.Item1}={Uri.EscapeDataString(p.Item2!)}"));

    public string ClockQuery => Clock.Query(AsOf, KnownAt);
}

public static class Clock
{
    /// <summary>"?asOf=…&amp;knownAt=…" for links that keep the clocks, or empty.</summary>
    public static string Query(string? asOf, string? knownAt)
    {
        var parts = new (string, string?)[] { ("asOf", asOf), ("knownAt", knownAt) }
            .Where(p => !string.IsNullOrWhiteSpace(p.Item2)).Select(p => $"{p.Item1}={Uri.EscapeDataString(p.Item2!)}").ToList();
        return parts.Count == 0 ? "" : "?" + string.Join("&", parts);
    }
}
