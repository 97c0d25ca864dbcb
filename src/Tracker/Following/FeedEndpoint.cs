using Npgsql;
using Tracker.Http;
using Tracker.Portfolio;
using Wolverine.Http;

namespace Tracker.Following;

public static class FeedEndpoint
{
    /// <summary>The change feed in commit order (see <see cref="Feed"/>); the <c>feed</c> verb prints the same.</summary>
    [EndpointSummary("The change feed: statement lifecycle entries and status changes in commit order (after=cursor, limit; filters agreement, party, category)"),
     WolverineGet("/api/feed")]
    public static async Task<Listed<FeedPage>> Get(NpgsqlDataSource dataSource, PortfolioReads portfolio, string? after, int? limit,
        string? agreement, string? party, string? category, CancellationToken ct)
    {
        var (errors, request) = await FeedRequest.ParseAsync(dataSource, portfolio, after, limit, agreement, party, category, ct);
        if (errors.Count > 0) return new(Problems.Invalid(errors));
        return new(Results.Ok(await Feed.ReadAsync(dataSource, request!, ct)));
    }
}
