using JasperFx.Events;

namespace Tracker.Agreements;

/// <summary>
/// An agreement without its statements: what every decider needs, and all a write has to load and store besides
/// the one statement it touches. Kept inline with each append, so it is never behind the events.
/// </summary>
public sealed class AgreementHeader
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
    /// <summary>Four-eyes review (<see cref="AgreementReviewSet"/>): statements count once a second person approved them.</summary>
    public bool ReviewRequired { get; set; }

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

    public void Apply(IEvent<StatementRecorded> e) => Touch(e);
    public void Apply(IEvent<StatementCorrected> e) => Touch(e);
    public void Apply(IEvent<StatementRetracted> e) => Touch(e);
    public void Apply(IEvent<AgreementReviewSet> e)
    {
        ReviewRequired = e.Data.Required;
        Touch(e);
    }
    public void Apply(IEvent<StatementProposed> e) => Touch(e);
    public void Apply(IEvent<CorrectionProposed> e) => Touch(e);
    public void Apply(IEvent<RetractionProposed> e) => Touch(e);
    public void Apply(IEvent<StatementReviewed> e) => Touch(e);

    public Commitment? Commitment(string commitmentId) =>
        Commitments.FirstOrDefault(c => string.Equals(c.Id, commitmentId, StringComparison.Ordinal));

    /// <summary>Applies one event of this agreement's stream, whatever its type.</summary>
    public void Evolve(IEvent e)
    {
        switch (e)
        {
            case IEvent<AgreementOpened> opened: Apply(opened); break;
            case IEvent<CommitmentAdded> added: Apply(added); break;
            case IEvent<AgreementReviewSet> review: Apply(review); break;
            default: Touch(e); break;
        }
    }

    private void Touch(IEvent e)
    {
        LastActivity = Recording.Of(e);
        Version = e.Version;
    }
}
