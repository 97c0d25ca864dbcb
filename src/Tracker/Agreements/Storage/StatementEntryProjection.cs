using JasperFx.Events;
using Marten.Events.Projections;

namespace Tracker.Agreements.Storage;

/// <summary>
/// One document per statement, kept inline with each append (an analyst who records a statement sees it in the
/// next read) and rewritten only when that statement changes, never when its agreement grows.
/// </summary>
public partial class StatementEntryProjection : MultiStreamProjection<StatementEntry, string>
{
    public const string ProjectionName = "StatementEntry";

    public StatementEntryProjection()
    {
        Name = ProjectionName;
        Identity<StatementRecorded>(e => StatementEntry.KeyOf(e.AgreementId, e.StatementId));
        Identity<StatementCorrected>(e => StatementEntry.KeyOf(e.AgreementId, e.StatementId));
        Identity<StatementRetracted>(e => StatementEntry.KeyOf(e.AgreementId, e.StatementId));
    }

    public StatementEntry Create(IEvent<StatementRecorded> e) => StatementEntry.From(e);

    public void Apply(IEvent<StatementCorrected> e, StatementEntry entry) => entry.Correct(e);

    public void Apply(IEvent<StatementRetracted> e, StatementEntry entry) => entry.Retract(e);
}
