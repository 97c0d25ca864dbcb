using Microsoft.AspNetCore.Mvc;
using Npgsql;
using Tracker.Following;
using Tracker.Kernel;
using Tracker.Http;
using Tracker.Portfolio;

namespace Tracker.Workbench.Pages;

/// <summary>What the signed-in user follows, the newest changes it matches (with the quote that caused each), their
/// Atom feed key, and the Follow buttons' target. Any role may follow: following is reading.</summary>
public sealed class FollowingModel(NpgsqlDataSource dataSource, PortfolioReads portfolio) : WorkbenchPage
{
    public IReadOnlyList<Follow> Follows { get; private set; } = [];
    public IReadOnlyList<FollowedChange> Changes { get; private set; } = [];
    public FeedCursor? Before { get; private set; }
    public bool HasKey { get; private set; }
    /// <summary>A key just issued: shown once, on the page that rotated it.</summary>
    public string? NewKey { get; private set; }

    public bool More => Changes.Count == FollowedChanges.PageSize;

    public async Task OnGetAsync(string? before, CancellationToken ct)
    {
        if (before is not null && !FeedCursor.TryParse(before, out _))
        {
            Refuse([new Tracker.Kernel.FieldError("before", "is not a place on this page: follow the Older changes link")], StatusCodes.Status400BadRequest);
            return;
        }
        await LoadAsync(before is null ? null : Parse(before), ct);
    }

    private static FeedCursor Parse(string text)
    {
        FeedCursor.TryParse(text, out var cursor);
        return cursor;
    }

    /// <summary>The Follow buttons (an agreement, a commitment) and the portfolio's "Follow this filter" form (its
    /// agreement, party and category, and the change to be told of).</summary>
    public async Task<IActionResult> OnPostFollowAsync(string? agreement, string? commitment, string? party, string? category,
        string? reaches, bool becomesOverdue, bool becomesContested, string? returnTo, CancellationToken ct)
    {
        var (errors, resolved) = await Watchlist.ResolveAsync(dataSource, portfolio,
            new FollowRequest(agreement, commitment, party, category, reaches, becomesOverdue, becomesContested), ct);
        if (errors.Count > 0)
        {
            await LoadAsync(null, ct);
            Refuse(errors, StatusCodes.Status400BadRequest);
            return Page();
        }
        if ((await Watchlist.AddAsync(dataSource, HttpContext.Author().UserName, resolved!, ct)).Follow is null)
        {
            await LoadAsync(null, ct);
            Refuse([new FieldError("follows", $"you follow {Watchlist.MaxPerUser} things, the most one user may: stop following one first")],
                StatusCodes.Status409Conflict);
            return Page();
        }
        return LocalRedirect(returnTo is { } r && Url.IsLocalUrl(r) ? r : "/following");
    }

    public async Task<IActionResult> OnPostUnfollowAsync(Guid id, CancellationToken ct)
    {
        if (!await Watchlist.RemoveAsync(dataSource, HttpContext.Author().UserName, id, ct)) return NotFound();
        return LocalRedirect("/following");
    }

    public async Task<IActionResult> OnPostRotateAsync(CancellationToken ct)
    {
        NewKey = await FeedKeys.RotateAsync(dataSource, HttpContext.Author().UserName, ct);
        await LoadAsync(null, ct);
        return Page();
    }

    public string FeedUrl(string key) => $"{Request.Scheme}://{Request.Host}{AtomFeeds.FollowingPath(key)}";

    private async Task LoadAsync(FeedCursor? before, CancellationToken ct)
    {
        var user = HttpContext.Author().UserName;
        Before = before;
        Follows = await Watchlist.ListAsync(dataSource, user, ct);
        Changes = await FollowedChanges.ForUserAsync(dataSource, user, before, FollowedChanges.PageSize, ct);
        HasKey = NewKey is not null || await FeedKeys.ExistsAsync(dataSource, user, ct);
    }
}
