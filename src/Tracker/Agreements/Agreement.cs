using JasperFx.Events;

namespace Tracker.Agreements;

/// <summary>
/// One agreement as the tracker knows it: its header (title, parties, commitments) and every statement with all
/// its readings, in record order, with who recorded what and when. Only ever built by folding the agreement's
/// events, or assembled from the stored header and statements, which are that same fold kept inline with each
/// append; so "now" and "known at any instant" are the same thing. It is not stored whole: a write then costs the
/// statement it touches, not the agreement's whole history. Commitment statuses are not stored either:
/// <see cref="StatusRule"/> derives them on read, for any "as of" date.
/// </summary>
public sealed class Agreement
{
    public AgreementHeader Header { get; }
    /// <summary>Approved statements only (every statement, where review is not required): what the status rule reads.</summary>
    public List<StatementEntry> Statements { get; }
    /// <summary>The latest proposal on each statement that has had one (<see cref="StatementProposal"/>), by statement key.
    /// Nothing that reads <see cref="Statements"/> sees them.</summary>
    public Dictionary<string, StatementProposal> Proposals { get; }

    public Agreement() : this(new AgreementHeader(), [], []) { }

    private Agreement(AgreementHeader header, List<StatementEntry> statements, Dictionary<string, StatementProposal> proposals)
    {
        Header = header;
        Statements = statements;
        Proposals = proposals;
    }

    /// <summary>The stored header, statements and proposals, statements in record order.</summary>
    public static Agreement Assemble(AgreementHeader header, IEnumerable<StatementEntry> statements,
        IEnumerable<StatementProposal>? proposals = null) =>
        new(header, statements.OrderBy(s => s.Recorded.Version).ToList(),
            (proposals ?? []).ToDictionary(p => p.Key, StringComparer.Ordinal));

    public bool ReviewRequired => Header.ReviewRequired;

    /// <summary>The latest proposal on the statement, decided or not.</summary>
    public StatementProposal? Proposal(Guid statementId) => Proposals.GetValueOrDefault(StatementEntry.KeyOf(Id, statementId));

    public string Id => Header.Id;
    public long Version => Header.Version;
    public string Title => Header.Title;
    public List<string> Parties => Header.Parties;
    public string? Summary => Header.Summary;
    public List<string> Tags => Header.Tags;
    public Recording Opened => Header.Opened;
    public Recording LastActivity => Header.LastActivity;
    public List<Commitment> Commitments => Header.Commitments;

    public Commitment? Commitment(string commitmentId) => Header.Commitment(commitmentId);

    public StatementEntry? Statement(Guid statementId) => Statements.FirstOrDefault(s => s.Id == statementId);

    /// <summary>The agreement as it stood after exactly these events (a fold; used for "known at" reads).</summary>
    public static Agreement? Fold(IEnumerable<IEvent> events)
    {
        Agreement? agreement = null;
        foreach (var e in events)
        {
            // An agreement is opened once; a second opening (which deciders never produce) must not wipe its history.
            if (e is IEvent<AgreementOpened>) agreement ??= new Agreement();
            agreement?.Evolve(e);
        }
        return agreement;
    }

    /// <summary>What the agreement will look like once these events are stored (record metadata aside).</summary>
    /// <param name="by">Who will record them: a proposal simulated here is the importer's own to nobody else.</param>
    public static Agreement Simulate(Agreement? state, IReadOnlyList<object> events, string? by = null)
    {
        var version = state?.Version ?? 0;
        IEnumerable<IEvent> Wrapped() => events.Select(data =>
        {
            var e = (IEvent)Activator.CreateInstance(typeof(Event<>).MakeGenericType(data.GetType()), data)!;
            e.Version = ++version;
            e.UserName = by;
            return e;
        });
        if (state is null) return Agreement.Fold(Wrapped())!;
        foreach (var e in Wrapped()) state.Evolve(e);
        return state;
    }

    /// <summary>Applies one event of this agreement's stream, whatever its type.</summary>
    public void Evolve(IEvent e)
    {
        Header.Evolve(e);
        switch (e)
        {
            case IEvent<StatementRecorded> recorded:
                Statements.Add(StatementEntry.From(recorded));
                break;
            case IEvent<StatementCorrected> corrected:
                Statement(corrected.Data.StatementId)?.Correct(corrected);
                break;
            case IEvent<StatementRetracted> retracted:
                Statement(retracted.Data.StatementId)?.Retract(retracted);
                break;
            default:
                StatementProposalProjection.Evolve(Proposals, e,
                    key => Statements.FirstOrDefault(s => s.Key == key)?.Current);
                break;
        }
    }
}

/// <summary>Who recorded an event, when (record time), and under which correlation id.</summary>
public sealed record Recording(DateTimeOffset At, string? By, string? CorrelationId, long Version)
{
    public static readonly Recording Unknown = new(DateTimeOffset.MinValue, null, null, 0);
    /// <summary>Record time is kept to the microsecond, as PostgreSQL stores it, so a stored copy equals a fresh fold.</summary>
    public static Recording Of(IEvent e) =>
        new(new DateTimeOffset(e.Timestamp.Ticks - e.Timestamp.Ticks % 10, e.Timestamp.Offset), e.UserName, e.CorrelationId, e.Version);
}

public sealed record Commitment(
    string Id,
    string Title,
    Category Category,
    List<string> ResponsibleActors,
    DateOnly? TargetDate,
    Quantity? Quantity,
    Recording Added)
{
    /// <summary>Whether adding it again with these terms would be a repeat rather than a change.</summary>
    public bool HasTermsOf(CommitmentAdded added) =>
        Title == added.Title && Category == added.Category && ResponsibleActors.SequenceEqual(added.ResponsibleActors) &&
        TargetDate == added.TargetDate && Quantity == added.Quantity;
}

/// <summary>One statement with every reading it has had. Stored on its own, keyed by agreement and statement.</summary>
public sealed class StatementEntry
{
    /// <summary>Statement ids are idempotency keys within one agreement, so the document key names both.</summary>
    [JasperFx.Identity]
    public string Key { get; set; } = "";
    public string AgreementId { get; set; } = "";
    public Guid Id { get; set; }
    /// <summary>Position in the stream: breaks ties between statements said on the same day.</summary>
    public long RecordOrder => Recorded.Version;
    public StatementContent Original { get; set; } = null!;
    public StatementContent Current { get; set; } = null!;
    public Recording Recorded { get; set; } = Recording.Unknown;
    public List<CorrectionEntry> Corrections { get; set; } = [];
    public RetractionEntry? Retraction { get; set; }
    public bool IsRetracted => Retraction is not null;

    public static string KeyOf(string agreementId, Guid statementId) => $"{agreementId}/{statementId}";

    public static StatementEntry From(IEvent<StatementRecorded> e) => new()
    {
        Key = KeyOf(e.Data.AgreementId, e.Data.StatementId),
        AgreementId = e.Data.AgreementId,
        Id = e.Data.StatementId,
        Original = e.Data.Content,
        Current = e.Data.Content,
        Recorded = Recording.Of(e),
    };

    public void Correct(IEvent<StatementCorrected> e)
    {
        var corrected = e.Data.Changes.ApplyTo(Current);
        Corrections.Add(new CorrectionEntry(e.Data.CorrectionId, e.Data.Changes.ChangedFields(), Current, corrected,
            e.Data.Reason, Recording.Of(e)));
        Current = corrected;
    }

    public void Retract(IEvent<StatementRetracted> e) => Retraction = new RetractionEntry(e.Data.Reason, Recording.Of(e));
}

public sealed record CorrectionEntry(
    Guid Id,
    IReadOnlyList<string> Fields, StatementContent Before, StatementContent After, string Reason, Recording Recorded);

public sealed record RetractionEntry(string Reason, Recording Recorded);
