using Marten;
using Tracker.Agreements;
using Tracker.Agreements.Deciding;
using Tracker.Http;
using Wolverine.Http;
using Tracker.Kernel;

namespace Tracker.Audit;

public static class AuditEndpoint
{
    /// <summary>The audit trail, oldest first. <c>from</c>/<c>to</c> bound the record time (ISO 8601 instants).</summary>
    [EndpointSummary("The audit trail (filters agreement, user, from, to; paging)"), WolverineGet("/api/audit")]
    public static async Task<Listed<PageOf<AuditEntry>>> Get(IQuerySession session, string? agreement, string? user, string? from, string? to,
        int? page, int? pageSize, CancellationToken ct)
    {
        var errors = new List<FieldError>();
        var filter = AuditFilter.Parse(agreement, user, from, to, errors);
        var paging = Paging.Parse(page, pageSize, errors);
        if (errors.Count > 0) return new(Problems.Invalid(errors));
        return new(Results.Ok(await filter.PageAsync(session, paging, ct)));
    }
}
