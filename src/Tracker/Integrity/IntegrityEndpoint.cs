using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using Tracker.Kernel;
using Tracker.Security;
using Wolverine.Http;

namespace Tracker.Integrity;

public static class IntegrityEndpoint
{
    /// <summary>
    /// Recomputes the hash chain over the event log. 200 either way: <c>intact</c> says whether it holds, and when it
    /// does not, <c>break</c> names the first event that fails and how.
    /// </summary>
    [EndpointSummary("Verify the tamper-evident hash chain over the event log (admin; filters agreement, from)"),
     WolverineGet("/api/integrity"), Authorize(Policy = Roles.Policies.CanAdminister)]
    public static async Task<Results<Ok<IntegrityReport>, ValidationProblem>> Get(ChainVerifier verifier, string? agreement, long? from,
        CancellationToken ct)
    {
        var errors = new List<FieldError>();
        if (agreement is not null && string.IsNullOrWhiteSpace(agreement)) errors.Add(new("agreement", "must not be blank"));
        if (from is < 1) errors.Add(new("from", "must be a sequence number of 1 or more"));
        if (agreement is not null && from is not null) errors.Add(new("from", "give either agreement or from, not both"));
        if (errors.Count > 0)
            return TypedResults.ValidationProblem(
                errors.GroupBy(e => e.Field).ToDictionary(g => g.Key, g => g.Select(e => e.Reason).ToArray()),
                title: "The request is invalid", detail: string.Join("; ", errors.Select(e => $"{e.Field}: {e.Reason}")));
        return TypedResults.Ok(await verifier.VerifyAsync(new ChainScope(agreement, from), null, ct));
    }
}
