using Marten;
using Tracker.Agreements;
using Tracker.Agreements.Deciding;
using Tracker.Http;
using Tracker.Kernel;

namespace Tracker.Audit;

/// <summary>Which part of the trail to read; record-time bounds are inclusive.</summary>
public sealed record AuditFilter(string? Agreement = null, string? User = null, DateTimeOffset? From = null, DateTimeOffset? To = null)
{
    public IQueryable<AuditEntry> Apply(IQuerySession session)
    {
        var query = session.Query<AuditEntry>().AsQueryable();
        if (Agreement is not null) query = query.Where(x => x.AgreementId == Agreement);
        if (User is not null) query = query.Where(x => x.RecordedBy == User);
        if (From is { } f) query = query.Where(x => x.RecordedAt >= f);
        if (To is { } t) query = query.Where(x => x.RecordedAt <= t);
        return query.OrderBy(x => x.Sequence);
    }

    /// <summary>The filter as the API and the workbench take it: bounds are ISO 8601 instants (a date alone means
    /// its first instant for <c>from</c>, its end for <c>to</c>).</summary>
    public static AuditFilter Parse(string? agreement, string? user, string? from, string? to, List<FieldError> errors) =>
        new(agreement, user, RequestContext.ParseInstant(from, "from", errors, dateMeansStart: true),
            RequestContext.ParseInstant(to, "to", errors));

    public async Task<PageOf<AuditEntry>> PageAsync(IQuerySession session, Paging paging, CancellationToken ct)
    {
        var query = Apply(session);
        var total = await query.CountAsync(ct);
        var items = await query.Skip(paging.Offset).Take(paging.Size).ToListAsync(ct);
        return new PageOf<AuditEntry>(items.ToList(), paging.Page, paging.Size, total);
    }
}
