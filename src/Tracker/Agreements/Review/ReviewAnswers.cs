using System.Reflection;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;
using Tracker.Agreements.Deciding;
using Tracker.Agreements.Storage;
using Tracker.Http;

namespace Tracker.Agreements;

/// <summary>A statement write: as <see cref="Written{T}"/>, and 202 where review is required (a proposal, with
/// <c>"review": "awaiting"</c>; its re-send is a 200 saying the same).</summary>
public sealed class Submitted<T>(IResult result) : Answer(result), IEndpointMetadataProvider
{
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder)
    {
        Written<T>.PopulateMetadata(method, builder);
        Json<T>(builder, StatusCodes.Status202Accepted);
    }

    public static Submitted<T> For(WriteResult result, string location, Func<long, string?, T> body) => new(result switch
    {
        { StaleVersion: null, Outcome: Accepted accepted } when accepted.Events.Any(ReviewEvents.IsProposal) =>
            Results.Accepted(location, body(result.Version, ProposalStates.Awaiting)),
        { StaleVersion: null, Outcome: AlreadyDone { Awaiting: true } done } => Results.Ok(body(done.Version, ProposalStates.Awaiting)),
        _ => Problems.ForWrite(result, location, v => body(v, null)),
    });
}

/// <summary>A review decision: 201 recorded, 400, 403 (your own proposal), 404 (no proposal), 409 (already decided).</summary>
public sealed class Decided<T>(IResult result) : Answer(result), IEndpointMetadataProvider
{
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder)
    {
        Json<T>(builder, StatusCodes.Status201Created);
        Problem<HttpValidationProblemDetails>(builder, StatusCodes.Status400BadRequest);
        Problem<ProblemDetails>(builder, StatusCodes.Status403Forbidden);
        Problem<ProblemDetails>(builder, StatusCodes.Status404NotFound);
        Problem<ConflictProblemDetails>(builder, StatusCodes.Status409Conflict);
    }
}
