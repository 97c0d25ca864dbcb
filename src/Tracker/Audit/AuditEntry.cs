using JasperFx.Events;
using Marten;
using Marten.Events.Projections;
using Tracker.Agreements;
using Tracker.Agreements.Storage;

namespace Tracker.Audit;

/// <summary>One row per event: what happened to which agreement, statement or commitment, who recorded it, when, why.</summary>
public sealed class AuditEntry
{
    public Guid Id { get; set; }
    public long Sequence { get; set; }
    /// <summary>The stream: an agreement's id, or a registry entry's (<c>actor:RENAULT</c>, <c>person:rustem-umerov</c>).</summary>
    public string AgreementId { get; set; } = "";
    public long Version { get; set; }
    public string EventType { get; set; } = "";
    public Guid? StatementId { get; set; }
    public List<string> CommitmentIds { get; set; } = [];
    public DateTimeOffset RecordedAt { get; set; }
    public string? RecordedBy { get; set; }
    public string? CorrelationId { get; set; }
    /// <summary>Where an administrator's import recorded the event as <see cref="RecordedBy"/>'s (an export's names): who imported it.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public string? ImportedBy { get; set; }
    public string? Reason { get; set; }
    /// <summary>For corrections: the fields changed.</summary>
    public List<string> Fields { get; set; } = [];
}

/// <summary>
/// Async on purpose: auditors read the trail, analysts never wait on it, so it stays off the write path; it is
/// rebuilt from the events at any time and a test proves a rebuild equals the live trail.
/// </summary>
public partial class AuditTrailProjection : EventProjection
{
    public const string ProjectionName = "AuditTrail";

    public AuditTrailProjection() => Name = ProjectionName;

    public override ValueTask ApplyAsync(IDocumentOperations operations, IEvent e, CancellationToken ct)
    {
        if (Tombstones.Is(e)) return ValueTask.CompletedTask;
        var entry = new AuditEntry
        {
            Id = e.Id,
            Sequence = e.Sequence,
            AgreementId = e.StreamKey ?? "",
            Version = e.Version,
            EventType = e.EventTypeName,
            RecordedAt = e.Timestamp,
            RecordedBy = e.UserName,
            CorrelationId = e.CorrelationId,
            ImportedBy = e.GetHeader(Import.Importer.ImportedByHeader)?.ToString(),
        };
        switch (e.Data)
        {
            case CommitmentAdded added:
                entry.CommitmentIds = [added.CommitmentId];
                break;
            case StatementRecorded recorded:
                entry.StatementId = recorded.StatementId;
                entry.CommitmentIds = recorded.Content.Assertions.Select(a => a.CommitmentId).ToList();
                break;
            case StatementCorrected corrected:
                entry.StatementId = corrected.StatementId;
                entry.Reason = corrected.Reason;
                entry.Fields = [.. corrected.Changes.ChangedFields()];
                entry.CommitmentIds = corrected.Changes.Assertions?.Select(a => a.CommitmentId).ToList() ?? [];
                break;
            case StatementRetracted retracted:
                entry.StatementId = retracted.StatementId;
                entry.Reason = retracted.Reason;
                break;
            case StatementProposed proposed:
                entry.StatementId = proposed.StatementId;
                entry.CommitmentIds = proposed.Content.Assertions.Select(a => a.CommitmentId).ToList();
                break;
            case CorrectionProposed proposed:
                entry.StatementId = proposed.StatementId;
                entry.Reason = proposed.Reason;
                entry.Fields = [.. proposed.Changes.ChangedFields()];
                entry.CommitmentIds = proposed.Changes.Assertions?.Select(a => a.CommitmentId).ToList() ?? [];
                break;
            case RetractionProposed proposed:
                entry.StatementId = proposed.StatementId;
                entry.Reason = proposed.Reason;
                break;
            case StatementReviewed reviewed:
                entry.StatementId = reviewed.StatementId;
                entry.Reason = reviewed.Reason;
                break;
            // Registry streams (actor:CODE, person:id) are audited like agreements; their reasons are kept.
            case Registry.Actors.ActorRenamed renamed:
                entry.Reason = renamed.Reason;
                break;
            case Registry.Actors.ActorAliasRemoved removed:
                entry.Reason = removed.Reason;
                break;
            case Registry.Actors.ActorMerged merged:
                entry.Reason = merged.Reason;
                break;
        }
        operations.Store(entry);
        return ValueTask.CompletedTask;
    }
}
