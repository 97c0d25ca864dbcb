using JasperFx.Events;
using Tracker.Agreements;
using Tracker.Agreements.Deciding;

namespace Tracker.Tests.Domain;

/// <summary>Builds an agreement the way the store does — by folding events — without a database.</summary>
public sealed class AgreementStory
{
    private readonly List<IEvent> _events = [];
    private DateTimeOffset _clock = new(2025, 7, 1, 9, 0, 0, TimeSpan.Zero);
    public static readonly DateOnly Today = new(2025, 12, 31);

    public AgreementStory(string id = "ua-fr-defence-industry", params string[] commitments)
    {
        Append(new AgreementOpened(id, "Ukraine–France defence-industrial cooperation", ["UKR", "FRA"], null, []));
        foreach (var c in commitments)
            Append(new CommitmentAdded(id, c, c, Category.AirDefence, ["UKR", "FRA"], null, null));
    }

    public Agreement Agreement => Agreement.Fold(_events)!;
    public string Id => Agreement.Id;

    public AgreementStory Append(object data, string user = "analyst")
    {
        _clock = _clock.AddMinutes(1);
        var e = (IEvent)Activator.CreateInstance(typeof(Event<>).MakeGenericType(data.GetType()), data)!;
        e.Version = _events.Count + 1;
        e.Timestamp = _clock;
        e.UserName = user;
        _events.Add(e);
        return this;
    }

    public Guid Say(string saidOn, string commitment, Stage stage, string actor = "UKR", Quantity? quantity = null,
        string speaker = "Rustem Umerov")
    {
        var id = Guid.NewGuid();
        Append(new StatementRecorded(Id, id, Content(saidOn, [new Assertion(commitment, stage, quantity)], actor, speaker)));
        return id;
    }

    public AgreementStory Correct(Guid statement, StatementChanges changes, string reason = "misread") =>
        Append(new StatementCorrected(Id, statement, changes, reason, Guid.NewGuid()));

    public AgreementStory Retract(Guid statement, string reason = "hoax") =>
        Append(new StatementRetracted(Id, statement, reason));

    /// <summary>Runs a decider on the current state; appends what it accepts, as the store would.</summary>
    public Outcome Decide(Func<Agreement, Outcome> decide)
    {
        var outcome = decide(Agreement);
        if (outcome is Accepted accepted)
            foreach (var e in accepted.Events) Append(e);
        return outcome;
    }

    public CommitmentStatus Status(string commitment, DateOnly? asOf = null) =>
        StatusRule.Evaluate(Agreement, Agreement.Commitment(commitment)!, asOf);

    public static StatementContent Content(string saidOn, IReadOnlyList<Assertion> assertions, string actor = "UKR",
        string speaker = "Rustem Umerov") =>
        new(SaidOn.Parse(saidOn), new Speaker(speaker, "Minister of Defence", actor), "Brussels",
            "Wir verfügen über solche Kampferfahrung", "de", null,
            new Source("Example Outlet", SourceKind.MediaReport, "https://example.org/a", new DateOnly(2025, 6, 30)),
            assertions);
}
