using Marten.Services.BatchQuerying;
using Tracker.Agreements;
using Tracker.Agreements.Deciding;
using Tracker.Agreements.Storage;

namespace Tracker.Portfolio;

/// <summary>
/// The commitment files a recorded statement will continue, read in the writer's first batch rather than when the
/// append is saved: one round trip fewer on the usual write (issue 20). Corrections and retractions first need the
/// statement's route to know their commitments, so the projection reads those itself.
/// </summary>
public sealed class PortfolioReadAhead : IReadAhead
{
    public void Queue(IAgreementCommand command, ReadAhead ahead, IBatchedQuery batch)
    {
        if (command is not RecordStatement record || record.Assertions is not { Count: > 0 } assertions) return;
        // Only ids the decision could accept: a malformed one (a NUL PostgreSQL refuses) is the decision's to reject, not a lookup's.
        var keys = assertions.Select(a => a?.CommitmentId).Where(Checks.IsSlug).OfType<string>()
            .Select(id => CommitmentFile.KeyOf(record.AgreementId, id)).ToHashSet(StringComparer.Ordinal);
        ahead.Load<CommitmentFile>(batch, keys, f => f.Id);
    }
}
