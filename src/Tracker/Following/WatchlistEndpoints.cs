using System.Reflection;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;
using Npgsql;
using Tracker.Http;
using Tracker.Portfolio;
using Wolverine.Http;

namespace Tracker.Following;

/// <summary>A new key for the caller's Atom feeds (shown only here) and where to poll them.</summary>
public sealed record FeedKeyIssued(string Key, string Following, string Agreement);

/// <summary>The caller's watchlist. Any role may follow (following is reading); each write is the caller's own.</summary>
public static class WatchlistEndpoints
{
    [EndpointSummary("The caller's watchlist: what they follow"), WolverineGet("/api/watchlist")]
    public static async Task<Answered<IReadOnlyList<Follow>>> List(HttpContext http, NpgsqlDataSource dataSource, CancellationToken ct) =>
        new(Results.Ok(await Watchlist.ListAsync(dataSource, http.Author().UserName, ct)));

    /// <summary>201 with the new follow; 200 with the existing one when the caller follows exactly this already.</summary>
    [EndpointSummary("Follow an agreement, a commitment, a party, a category, and/or a change (reaches a stage, becomes overdue or contested); an entry must match all given"),
     WolverinePost("/api/watchlist")]
    public static async Task<Followed> Follow(FollowRequest request, HttpContext http, NpgsqlDataSource dataSource, PortfolioReads portfolio,
        CancellationToken ct)
    {
        var (errors, resolved) = await Watchlist.ResolveAsync(dataSource, portfolio, request, ct);
        if (errors.Count > 0) return new(Problems.Invalid(errors));
        var (added, follow) = await Watchlist.AddAsync(dataSource, http.Author().UserName, resolved!, ct);
        return new(follow is null
            ? Results.Problem(statusCode: StatusCodes.Status409Conflict, title: "Conflict",
                detail: $"You follow {Watchlist.MaxPerUser} things, the most one user may: stop following one first.")
            : added ? Results.Created($"/api/watchlist/{follow.Id}", follow) : Results.Ok(follow));
    }

    [EndpointSummary("Stop following (204; 404 when the caller has no follow with this id)"),
     WolverinePost("/api/watchlist/{id}/removal")]
    public static async Task<Removed> Remove(Guid id, HttpContext http, NpgsqlDataSource dataSource, CancellationToken ct) =>
        Removed.Or(await Watchlist.RemoveAsync(dataSource, http.Author().UserName, id, ct), $"You follow nothing with id '{id}'.");

    /// <summary>201 with a new feed key; the earlier key (if any) reads nothing from now on.</summary>
    [EndpointSummary("Issue or rotate the caller's Atom feed key (shown once)"), WolverinePost("/api/watchlist/feed-key")]
    public static async Task<FeedKeyRotated> RotateKey(HttpContext http, NpgsqlDataSource dataSource, CancellationToken ct)
    {
        var key = await FeedKeys.RotateAsync(dataSource, http.Author().UserName, ct);
        return new(Results.Created(AtomFeeds.FollowingPath(key),
            new FeedKeyIssued(key, AtomFeeds.FollowingPath(key), AtomFeeds.AgreementPath(key, "{agreementId}"))));
    }
}

/// <summary>201 followed, 200 followed already, 400 a field names what is wrong, 409 the caller follows as many as one may.</summary>
public sealed class Followed(IResult result) : Answer(result), IEndpointMetadataProvider
{
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder)
    {
        Json<Follow>(builder, StatusCodes.Status201Created);
        Json<Follow>(builder, StatusCodes.Status200OK);
        Problem<HttpValidationProblemDetails>(builder, StatusCodes.Status400BadRequest);
        Problem<ProblemDetails>(builder, StatusCodes.Status409Conflict);
    }
}

/// <summary>204 removed; 404 the caller has no such thing (a follow, a webhook subscription).</summary>
public sealed class Removed(IResult result) : Answer(result), IEndpointMetadataProvider
{
    public static Removed Or(bool removed, string notFound) => new(removed ? Results.NoContent() : Problems.NotFound(notFound));

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder)
    {
        builder.Metadata.Add(new Produces(StatusCodes.Status204NoContent, null, []));
        Problem<ProblemDetails>(builder, StatusCodes.Status404NotFound);
    }
}

/// <summary>201 with the new key.</summary>
public sealed class FeedKeyRotated(IResult result) : Answer(result), IEndpointMetadataProvider
{
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) => Json<FeedKeyIssued>(builder, StatusCodes.Status201Created);
}
