using JasperFx.Events;

namespace Tracker.Agreements;

/// <summary>
/// One agreement as the tracker knows it: its commitments and every statement with all its readings,
/// in record order, with who recorded what and when. Built only by folding the agreement's events, so the
/// stored copy (kept inline with each append) and a fold of the events up to any instant are the same thing.
/// Commitment statuses are not stored here: <see cref="StatusRule"/> derives them on read, for any "as of" date.
/// </summary>
public sealed class Agreement
{
    public string Id { get; set; } = "";
    public long Version { get; set; }
    public string Title { get; set; } = "";
    public List<string> Parties { get; set; } = [];
    public string? Summary { get; set; }
    public List<string> Tags { get; set; } = [];
    public Recording Opened { get; set; } = Recording.Unknown;
    public Recording LastActivity { get; set; } = Recording.Unknown;
    public List<Commitment> Commitments { get; set; } = [];
    public List<StatementEntry> Statements { get; set; } = [];

    public void Apply(IEvent<AgreementOpened> e)
    {
        Id = e.Data.AgreementId;
        Title = e.Data.Title;
        Parties = [.. e.Data.Parties];
        Summary = e.Data.Summary;
        Tags = [.. e.Data.Tags];
        Opened = Recording.Of(e);
        Touch(e);
    }

    public void Apply(IEvent<CommitmentAdded> e)
    {
        var c = e.Data;
        Commitments.Add(new Commitment(c.CommitmentId, c.Title, c.Category, [.. c.ResponsibleActors], c.TargetDate,
            c.Quantity, Recording.Of(e)));
        Touch(e);
    }

    public void Apply(IEvent<StatementRecorded> e)
    {
        Statements.Add(new StatementEntry
        {
            Id = e.Data.StatementId,
            RecordOrder = Statements.Count,
            Original = e.Data.Content,
            Current = e.Data.Content,
            Recorded = Recording.Of(e),
        });
        Touch(e);
    }

    public void Apply(IEvent<StatementCorrected> e)
    {
        var statement = Statement(e.Data.StatementId);
        if (statement is null) return;
        var corrected = e.Data.Changes.ApplyTo(statement.Current);
        statement.Corrections.Add(new CorrectionEntry(e.Data.CorrectionId, e.Data.Changes.ChangedFields(), statement.Current,
            corrected, e.Data.Reason, Recording.Of(e)));
        statement.Current = corrected;
        Touch(e);
    }

    public void Apply(IEvent<StatementRetracted> e)
    {
        var statement = Statement(e.Data.StatementId);
        if (statement is null) return;
        statement.Retraction = new RetractionEntry(e.Data.Reason, Recording.Of(e));
        Touch(e);
    }

    public Commitment? Commitment(string commitmentId) =>
        Commitments.FirstOrDefault(c => string.Equals(c.Id, commitmentId, StringComparison.Ordinal));

    public StatementEntry? Statement(Guid statementId) => Statements.FirstOrDefault(s => s.Id == statementId);

    private void Touch(IEvent e)
    {
        LastActivity = Recording.Of(e);
        Version = e.Version;
    }

    /// <summary>The agreement as it stood after exactly these events (a fold; used for "known at" reads).</summary>
    public static Agreement? Fold(IEnumerable<IEvent> events)
    {
        Agreement? agreement = null;
        foreach (var e in events)
        {
            if (e is IEvent<AgreementOpened>) agreement = new Agreement();
            agreement?.Evolve(e);
        }
        return agreement;
    }

    /// <summary>Applies one event of this agreement's stream, whatever its type.</summary>
    public void Evolve(IEvent e)
    {
        switch (e)
        {
            case IEvent<AgreementOpened> opened: Apply(opened); break;
            case IEvent<CommitmentAdded> added: Apply(added); break;
            case IEvent<StatementRecorded> recorded: Apply(recorded); break;
            case IEvent<StatementCorrected> corrected: Apply(corrected); break;
            case IEvent<StatementRetracted> retracted: Apply(retracted); break;
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
    Recording Added);

public sealed class StatementEntry
{
    public Guid Id { get; set; }
    /// <summary>Position in the stream among statements: breaks ties between statements said on the same day.</summary>
    public int RecordOrder { get; set; }
    public StatementContent Original { get; set; } = null!;
    public StatementContent Current { get; set; } = null!;
    public Recording Recorded { get; set; } = Recording.Unknown;
    public List<CorrectionEntry> Corrections { get; set; } = [];
    public RetractionEntry? Retraction { get; set; }
    public bool IsRetracted => Retraction is not null;
}

public sealed record CorrectionEntry(
    Guid Id,
    IReadOnlyList<string> Fields, StatementContent Before, StatementContent After, string Reason, Recording Recorded);

public sealed record RetractionEntry(string Reason, Recording Recorded);
