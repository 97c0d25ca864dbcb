using Marten;
using Tracker.Agreements;
using Tracker.Agreements.Deciding;
using Tracker.Http;
using Wolverine.Http;

namespace Tracker.Audit;

public static class AuditEndpoint
{
    /// <summary>The audit trail, oldest first. <c>from</c>/<c>to</c> bound the record time (ISO 8601 instants).</summary>
    [EndpointSummary("The audit trail (filters agreement, user, from, to; paging)"), WolverineGet("/api/audit")]
    public static async Task<IResult> Get(IQuerySession session, string? agreement, string? user, string? from, string? to,
        int? page, int? pageSize, CancellationToken ct)
    {
        var errors = new List<FieldError>();
        var fromInstant = RequestContext.ParseInstant(from, "from", errors, dateMeansStart: true);
        var toInstant = RequestContext.ParseInstant(to, "to", errors);
        var paging = Paging.Parse(page, pageSize, errors);
        if (errors.Count > 0) return Problems.Invalid(errors);

        var query = new AuditFilter(agreement, user, fromInstant, toInstant).Apply(session);
        var total = await query.CountAsync(ct);
        var items = await query.Skip(paging.Offset).Take(paging.Size).ToListAsync(ct);
        return Results.Ok(new PageOf<AuditEntry>(items.ToList(), paging.Page, paging.Size, total));
    }
}
