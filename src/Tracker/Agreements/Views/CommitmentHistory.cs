using System.Text.Json.Serialization;

namespace Tracker.Agreements;

/// <summary>A correction as history shows it: what changed, why, by whom, and the reading before and after.
/// <see cref="Proposed"/>: where it was approved in four-eyes review, its proposal (<see cref="Recorded"/> is then the
/// approval); absent otherwise.</summary>
public sealed record CorrectionView(IReadOnlyList<string> Fields, string Reason, Recording Recorded,
    StatementContent EarlierReading, StatementContent CorrectedReading,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] Recording? Proposed = null);

/// <summary>One statement in a commitment's history, in its current reading, with every earlier one kept. Where it was
/// approved in four-eyes review, <see cref="Proposed"/> is its proposal (who logged it, when) and <see cref="Recorded"/> the
/// approval that made it count (who checked it); likewise <see cref="RetractionProposed"/> beside its retraction. Both
/// are absent for a statement recorded without review.</summary>
public sealed record StatementHistory(
    Guid StatementId,
    SaidOn SaidOn,
    Stage? AssertedStage,
    string Speaker,
    string? Actor,
    string Outlet,
    string Quote,
    string? Translation,
    Recording Recorded,
    bool Retracted,
    RetractionEntry? Retraction,
    IReadOnlyList<CorrectionView> Corrections,
    /// <summary>False when a correction moved the statement off this commitment; it stays in history regardless.</summary>
    bool AssertsThisCommitment,
    string? Role,
    string Language,
    string? Place,
    SourceKind SourceKind,
    string? Url,
    string? ArchiveUrl,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] Recording? Proposed = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] Recording? RetractionProposed = null)
{
    /// <summary>The agreement document the source cites, where in it, and the link to its text (when the reader knows it).</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public DocumentCitationView? Document { get; init; }

    /// <summary>Whether the quote was found in the captured source (or cited document), with the captured copy's link.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public SourceCheck? SourceCheck { get; init; }
}

public sealed record DocumentCitationView(Guid DocumentId, int? Page, int? Paragraph, string? FileName = null, string? Link = null);

/// <summary>A timeline entry: a statement, or a stage transition it caused. Exactly one of the two is set.</summary>
public sealed record HistoryEntry(string Kind, SaidOn SaidOn, StatementHistory? Statement, TransitionView? Transition);

public sealed record TransitionView(Stage? From, Stage To, Guid StatementId, Recording Recorded);

public sealed record CommitmentHistory(
    string AgreementId, string CommitmentId, string Title, Stage? Stage, IReadOnlyList<HistoryEntry> Entries)
{
    /// <summary>
    /// Every statement that ever spoke of the commitment, and every stage transition the status rule derives, in
    /// said-on order (ties: record order; a transition follows the statement that caused it).
    /// </summary>
    public static CommitmentHistory Of(Agreement agreement, Commitment commitment, DateOnly? asOf = null)
    {
        var status = StatusRule.Evaluate(agreement, commitment, asOf);
        var statements = agreement.Statements
            .Where(s => asOf is null || s.Current.SaidOn.IsKnownBy(asOf.Value))
            .Where(s => Readings(s).Any(r => r.Assertions.Any(a => a.CommitmentId == commitment.Id)))
            .OrderBy(s => s.Current.SaidOn).ThenBy(s => s.RecordOrder)
            .ToList();

        var entries = new List<HistoryEntry>();
        foreach (var s in statements)
        {
            var review = agreement.Proposal(s.Id);
            var assertion = s.Current.Assertions.FirstOrDefault(a => a.CommitmentId == commitment.Id);
            var c = s.Current;
            entries.Add(new HistoryEntry("statement", c.SaidOn, new StatementHistory(
                s.Id, c.SaidOn, assertion?.Stage, c.Speaker.Name, c.Speaker.Actor, c.Source.Outlet, c.Quote, c.Translation,
                s.Recorded, s.IsRetracted, s.Retraction,
                s.Corrections.Select(x => new CorrectionView(x.Fields, x.Reason, x.Recorded, x.Before, x.After,
                    review?.ApprovalOf(ProposalKinds.Correction, x.Id)?.Proposed)).ToList(),
                assertion is not null, c.Speaker.Role, c.Language, c.Place, c.Source.Kind, c.Source.Url, c.Source.ArchiveUrl,
                review?.ApprovalOf(ProposalKinds.Statement)?.Proposed,
                s.IsRetracted ? review?.ApprovalOf(ProposalKinds.Retraction)?.Proposed : null)
            {
                Document = c.Source.DocumentId is { } d ? new DocumentCitationView(d, c.Source.Page, c.Source.Paragraph) : null,
            }, null));
            foreach (var t in status.Transitions.Where(t => t.Evidence.StatementId == s.Id))
                entries.Add(new HistoryEntry("transition", t.SaidOn, null,
                    new TransitionView(t.From, t.To, s.Id, LastChange(s))));
        }
        return new CommitmentHistory(agreement.Id, commitment.Id, commitment.Title, status.Stage, entries);
    }

    /// <summary>The history with what the sources' captures say beside each statement, and the cited documents named.</summary>
    public CommitmentHistory WithSources(IReadOnlyDictionary<Guid, SourceCheck> checks, IReadOnlyDictionary<Guid, CitedDocuments.Named> documents) =>
        this with
        {
            Entries = Entries.Select(e => e.Statement is not { } s ? e : e with
            {
                Statement = s with
                {
                    SourceCheck = checks.GetValueOrDefault(s.StatementId),
                    Document = s.Document is { } d && documents.GetValueOrDefault(d.DocumentId) is { } named
                        ? d with { FileName = named.FileName, Link = named.Link } : s.Document,
                },
            }).ToList(),
        };

    private static IEnumerable<StatementContent> Readings(StatementEntry s) =>
        [s.Original, .. s.Corrections.Select(c => c.After)];

    /// <summary>The recording that gave the statement its current reading: its last correction, else the original.</summary>
    private static Recording LastChange(StatementEntry s) => s.Corrections.LastOrDefault()?.Recorded ?? s.Recorded;
}
