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
        // Plain loops: a commitment corroborated thousands of times may be evaluated whole (a backdated statement).
        var readings = new List<(StatementFacts Statement, Assertion Assertion)>();
        foreach (var s in statements)
        {
            if (asOf is { } date && !s.SaidOn.IsKnownBy(date)) continue;
            foreach (var a in s.Assertions)
                if (string.Equals(a.CommitmentId, commitment.Id, StringComparison.Ordinal)) readings.Add((s, a));
        }
        // Stable, so that one statement's two assertions of a commitment keep their order.
        readings = [.. readings.OrderBy(x => x.Statement.SaidOn).ThenBy(x => x.Statement.RecordOrder)];
        var fold = new Fold(agreementId, commitment);
        var statementIds = new HashSet<Guid>(readings.Count);
        foreach (var (statement, assertion) in readings) fold.Read(statement, assertion, counts: statementIds.Add(statement.StatementId));
        return fold.Status();
    }

    /// <summary>
    /// The status once <paramref name="later"/> is counted too, each of them said no earlier than every statement
    /// <paramref name="status"/> counts (<see cref="Continues"/>): the rule goes on from where it stopped instead of
    /// reading every earlier statement again, so recording today's statement costs the same on a commitment spoken of
    /// a thousand times as on a new one. <paramref name="status"/> may be <see cref="CommitmentStatus.Abridged"/>; so is
    /// the answer, and it equals the abridged <see cref="Evaluate"/> over all the statements.
    /// </summary>
    public static CommitmentStatus Continue(CommitmentStatus status, IEnumerable<StatementFacts> later)
    {
        var fold = Fold.From(status);
        foreach (var s in later)
        {
            var counts = true;
            foreach (var a in s.Assertions)
                if (string.Equals(a.CommitmentId, status.CommitmentId, StringComparison.Ordinal))
                {
                    fold.Read(s, a, counts);
                    counts = false;
                }
        }
        return fold.Status().Abridged();
    }

    /// <summary>
    /// Whether a statement sorts after every statement counted so far (latest said-on date
    /// <paramref name="latestSaidOn"/>, latest last day <paramref name="latestEnd"/>), so that <see cref="Continue"/>
    /// may count it: it reads after all of them (a later record breaks a tie of dates), and no "as of" date counts it
    /// before one of them.
    /// </summary>
    public static bool Continues(SaidOn? latestSaidOn, DateOnly? latestEnd, SaidOn next) =>
        (latestSaidOn is not { } said || next.CompareTo(said) >= 0) && (latestEnd is not { } end || next.End >= end);

    /// <summary>The rule's state part-way through a commitment's readings, in said-on order.</summary>
    private sealed class Fold
    {
        private readonly string agreementId;
        private readonly Commitment? commitment;
        private readonly CommitmentStatus? seed;
        private Stage? stage;
        private SaidOn? since;
        private List<EvidenceRef> evidence = [];
        private int evidenceCount;
        private List<EvidenceRef> conflicting = [];
        private int conflictingCount;
        private readonly Dictionary<string, ActorPosition> positions = new(StringComparer.Ordinal);
        private readonly List<StageTransition> transitions = [];
        private QuantityEvidence? pledged, delivered;
        private int statementCount;
        private SaidOn? last;

        public Fold(string agreementId, Commitment commitment)
        {
            this.agreementId = agreementId;
            this.commitment = commitment;
        }

        private Fold(CommitmentStatus status)
        {
            agreementId = status.AgreementId;
            seed = status;
            stage = status.Stage;
            since = status.Since;
            evidence = [.. status.Evidence];
            evidenceCount = status.EvidenceCount;
            conflicting = [.. status.Conflicting];
            conflictingCount = status.ConflictingCount;
            foreach (var p in status.Positions) positions[p.Actor] = p;
            transitions.AddRange(status.Transitions);
            pledged = status.Pledged;
            delivered = status.Delivered;
            statementCount = status.StatementCount;
            last = status.LastStatementOn;
        }

        public static Fold From(CommitmentStatus status) => new(status);

        public void Read(StatementFacts statement, Assertion assertion, bool counts)
        {
            if (counts) statementCount++;
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
                evidenceCount = 1;
                conflicting = [];
                conflictingCount = 0;
            }
            else if (asserted == stage)
            {
                evidence.Add(reference);
                evidenceCount++;
            }
            else
            {
                conflicting.Add(reference);
                conflictingCount++;
            }

            if (statement.Actor is { Length: > 0 } actor)
                positions[actor] = new ActorPosition(actor, asserted, reference);
            if (assertion.Quantity is { } quantity)
            {
                if (asserted.MeansDelivery()) delivered = new QuantityEvidence(quantity, reference);
                else pledged = new QuantityEvidence(quantity, reference);
            }
        }

        public CommitmentStatus Status()
        {
            var sorted = positions.Values.OrderBy(p => p.Actor, StringComparer.Ordinal).ToList();
            if (seed is { } s)
                return s with
                {
                    Stage = stage, Since = since, Evidence = evidence, EvidenceCount = evidenceCount,
                    Contested = conflictingCount > 0, Conflicting = conflicting, ConflictingCount = conflictingCount,
                    Positions = sorted, StatementCount = statementCount, LastStatementOn = last,
                    Pledged = pledged, Delivered = delivered, Transitions = transitions,
                };
            var c = commitment!;
            return new CommitmentStatus(
                agreementId, c.Id, c.Title, c.Category, c.ResponsibleActors, c.TargetDate, c.Quantity,
                stage, since, evidence, evidenceCount, conflictingCount > 0, conflicting, conflictingCount,
                sorted, statementCount, last, pledged, delivered, transitions);
        }
    }

    public static IReadOnlyList<CommitmentStatus> EvaluateAll(Agreement agreement, DateOnly? asOf = null) =>
        agreement.Commitments.Select(c => Evaluate(agreement, c, asOf)).ToList();
}
