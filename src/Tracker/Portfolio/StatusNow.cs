using Tracker.Agreements;

namespace Tracker.Portfolio;

/// <summary>
/// What a follower is told changed about a commitment: the fields of its current status a reader acts on. The status
/// is the one the status report shows without <c>asOf</c> (every statement counted, <see cref="StatusRule"/>), and
/// overdue is judged on the write's record day (UTC), as the report judges it on the day it is generated. Evidence
/// counts and positions are left out on purpose: a corroborating statement moves none of these.
/// </summary>
public sealed record StatusNow(string? Stage, bool Contested, bool Overdue, Quantity? Pledged, Quantity? Delivered)
{
    public static StatusNow Of(CommitmentStatus status, DateOnly day) =>
        new(status.Stage is { } stage ? stage.Name() : null, status.Contested, status.IsOverdueOn(day),
            status.Pledged?.Quantity, status.Delivered?.Quantity);
}
