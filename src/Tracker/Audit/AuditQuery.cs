using Marten;

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
}
