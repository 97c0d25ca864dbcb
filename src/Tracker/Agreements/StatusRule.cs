namespace Tracker.Agreements;

/// <summary>A statement cited as evidence: enough to find it and judge it without opening it.</summary>
public sealed record EvidenceRef(Guid StatementId, SaidOn SaidOn, Stage Stage, string Speaker, string? Actor, string Outlet);

public sealed record ActorPosition(string Actor, Stage Stage, EvidenceRef Evidence);

public sealed record QuantityEvidence(Quantity Quantity, EvidenceRef Evidence);

/// <summary>A change of a commitment's stage, placed at the said-on date of the statement that caused it.</summary>
public sealed record StageTransition(SaidOn SaidOn, Stage? From, Stage To, EvidenceRef Evidence);

public sealed record CommitmentStatus(
    string AgreementId,
    string CommitmentId,
    string Title,
    Category Category,
    IReadOnlyList<string> ResponsibleActors,
    DateOnly? TargetDate,
    Quantity? Target,
    /// <summary>Null while no statement speaks of the commitment.</summary>
    Stage? Stage,
    SaidOn? Since,
    IReadOnlyList<EvidenceRef> Evidence,
    /// <summary>How many statements support the stage; <see cref="Evidence"/> may show fewer (<see cref="Abridged"/>).</summary>
    int EvidenceCount,
    bool Contested,
    IReadOnlyList<EvidenceRef> Conflicting,
    int ConflictingCount,
    IReadOnlyList<ActorPosition> Positions,
    int StatementCount,
    SaidOn? LastStatementOn,
    QuantityEvidence? Pledged,
    QuantityEvidence? Delivered,
    IReadOnlyList<StageTransition> Transitions)
{
    /// <summary>
    /// Whether its target date has passed on the day without it being fulfilled (nor withdrawn or rejected, which end
    /// it otherwise): what an analyst chasing promises looks for first.
    /// </summary>
    public bool IsOverdueOn(DateOnly day) =>
        TargetDate is { } target && target < day && Stage is not (Agreements.Stage.Fulfilled or Agreements.Stage.Withdrawn or Agreements.Stage.Rejected);

    /// <summary>How many supporting or conflicting statements a report row cites by name.</summary>
    public const int CitedInReports = 10;

    /// <summary>
    /// The status as a report row cites it: of the supporting and of the conflicting statements, the first (the one that
    /// set the stage, or the first to dispute it) and the latest, at most <see cref="CitedInReports"/> each, with the
    /// counts of all. A commitment corroborated a thousand times stays one readable row of bounded size, in every
    /// format and in the portfolio table it is read from; the commitment's own page lists every statement.
    /// </summary>
    public CommitmentStatus Abridged() =>
        Evidence.Count <= CitedInReports && Conflicting.Count <= CitedInReports
            ? this
            : this with { Evidence = Cite(Evidence), Conflicting = Cite(Conflicting) };

    private static IReadOnlyList<EvidenceRef> Cite(IReadOnlyList<EvidenceRef> all) =>
        all.Count <= CitedInReports ? all : [all[0], .. all.Skip(all.Count - (CitedInReports - 1))];
}

/// <summary>
/// The status rule, written once. For one commitment take its non-retracted statements, corrections applied,
/// in said-on order (ties: record order), counting only those said by <c>asOf</c> when given.
/// <list type="bullet">
/// <item>A ladder assertion above the current stage moves the commitment up to it. At the current stage it
/// corroborates (joins the evidence). Below it, it is kept as evidence and marks the commitment contested,
/// listing the conflicting statements, without moving it back. Moving to a new stage clears the conflicts:
/// they disputed the old stage, not the new one.</item>
/// <item>An off-ladder assertion (stalled, withdrawn, rejected) sets the stage; it holds while it is the latest
/// word. A later ladder assertion after it sets the stage it asserts, even a lower one.</item>
/// <item>Per-actor positions: each speaking actor's latest asserted stage.</item>
/// <item>Quantities: the latest asserted quantity, as pledged below in-effect and as delivered at in-effect and
/// fulfilled, each with the statement that gave it.</item>
/// </list>
/// </summary>
public static class StatusRule
{
    public static CommitmentStatus Evaluate(Agreement agreement, Commitment commitment, DateOnly? asOf = null) =>
        Evaluate(agreement.Id, commitment, agreement.Statements.Where(s => !s.IsRetracted).Select(StatementFacts.Of), asOf);

    /// <param name="statements">The agreement's statements that are not retracted, in their current readings (any
    /// order; those that do not speak of the commitment are ignored).</param>
    public static CommitmentStatus Evaluate(string agreementId, Commitment commitment, IEnumerable<StatementFacts> statements,
        DateOnly? asOf = null)
    {
        // Plain loops: a commitment corroborated thousands of times is evaluated on every write to it.
        var readings = new List<(StatementFacts Statement, Assertion Assertion)>();
        foreach (var s in statements)
        {
            if (asOf is { } date && !s.SaidOn.IsKnownBy(date)) continue;
            foreach (var a in s.Assertions)
                if (string.Equals(a.CommitmentId, commitment.Id, StringComparison.Ordinal)) readings.Add((s, a));
        }
        // Stable, so that one statement's two assertions of a commitment keep their order.
        readings = [.. readings.OrderBy(x => x.Statement.SaidOn).ThenBy(x => x.Statement.RecordOrder)];
        var statementIds = new HashSet<Guid>(readings.Count);
        SaidOn? last = null;

        Stage? stage = null;
        SaidOn? since = null;
        var evidence = new List<EvidenceRef>();
        var conflicting = new List<EvidenceRef>();
        var positions = new Dictionary<string, ActorPosition>(StringComparer.Ordinal);
        var transitions = new List<StageTransition>();
        QuantityEvidence? pledged = null, delivered = null;

        foreach (var (statement, assertion) in readings)
        {
            statementIds.Add(statement.StatementId);
            last = statement.SaidOn; // in said-on order, so the latest so far
            var reference = new EvidenceRef(statement.StatementId, statement.SaidOn, assertion.Stage, statement.Speaker,
                statement.Actor, statement.Outlet);
            var asserted = assertion.Stage;

            var movesTo = stage is null || !asserted.IsOnLadder() || !stage.Value.IsOnLadder() || asserted > stage.Value;
            if (movesTo && asserted != stage)
            {
                transitions.Add(new StageTransition(statement.SaidOn, stage, asserted, reference));
                stage = asserted;
                since = statement.SaidOn;
                evidence = [reference];
                conflicting = [];
            }
            else if (asserted == stage)
            {
                evidence.Add(reference);
            }
            else
            {
                conflicting.Add(reference);
            }

            if (statement.Actor is { Length: > 0 } actor)
                positions[actor] = new ActorPosition(actor, asserted, reference);
            if (assertion.Quantity is { } quantity)
            {
                if (asserted.MeansDelivery()) delivered = new QuantityEvidence(quantity, reference);
                else pledged = new QuantityEvidence(quantity, reference);
            }
        }

        return new CommitmentStatus(
            agreementId, commitment.Id, commitment.Title, commitment.Category, commitment.ResponsibleActors,
            commitment.TargetDate, commitment.Quantity,
            stage, since, evidence, evidence.Count, conflicting.Count > 0, conflicting, conflicting.Count,
            positions.Values.OrderBy(p => p.Actor, StringComparer.Ordinal).ToList(),
            statementIds.Count,
            last,
            pledged, delivered, transitions);
    }

    public static IReadOnlyList<CommitmentStatus> EvaluateAll(Agreement agreement, DateOnly? asOf = null) =>
        agreement.Commitments.Select(c => Evaluate(agreement, c, asOf)).ToList();
}
