namespace Tracker.Agreements;

/// <summary>
/// What the status rule reads of one statement's current reading: when it was said, by whom, where it was found,
/// what it asserts, and its place in the stream. Quotes and translations never change a status, so a read model that
/// keeps a commitment's statuses keeps only these.
/// </summary>
public sealed record StatementFacts(
    Guid StatementId,
    long RecordOrder,
    SaidOn SaidOn,
    string Speaker,
    string? Actor,
    string Outlet,
    IReadOnlyList<Assertion> Assertions)
{
    public static StatementFacts Of(StatementEntry s) =>
        Of(s.Id, s.RecordOrder, s.Current);

    public static StatementFacts Of(Guid statementId, long recordOrder, StatementContent c) =>
        new(statementId, recordOrder, c.SaidOn, c.Speaker.Name, c.Speaker.Actor, c.Source.Outlet, c.Assertions);

    /// <summary>The facts after a correction, as <see cref="StatementChanges.ApplyTo"/> gives the whole reading.</summary>
    public StatementFacts With(StatementChanges changes) => this with
    {
        SaidOn = changes.SaidOn ?? SaidOn,
        Speaker = changes.Speaker?.Name ?? Speaker,
        Actor = changes.Speaker is { } speaker ? speaker.Actor : Actor,
        Outlet = changes.Source?.Outlet ?? Outlet,
        Assertions = changes.Assertions ?? Assertions,
    };

    public IEnumerable<string> CommitmentIds => Assertions.Select(a => a.CommitmentId).Distinct(StringComparer.Ordinal);
}
