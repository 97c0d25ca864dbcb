using Tracker.Agreements;

namespace Tracker.Portfolio;

/// <param name="Speaker">Words that start words of the name (or role) of a speaker of a statement about the commitment.</param>
/// <param name="Actor">The actor a speaker of a statement about the commitment speaks for.</param>
public sealed record StatusReportFilter(string? Agreement = null, string? Party = null, Category? Category = null,
    Stage? Stage = null, bool? Contested = null, bool? Overdue = null, string? Speaker = null, string? Actor = null,
    /// <summary>Only commitments with statements awaiting review now (<c>review=awaiting</c>), whatever the clocks.</summary>
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    bool? AwaitingReview = null)
{
    /// <summary>Only commitments resting on a statement whose captured source has drifted (true), or none such (false).
    /// Like <see cref="AwaitingReview"/>, absent from a report that does not use it.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public bool? SourceDrift { get; init; }

    /// <summary>The words of a speaker filter, each matched as the start of a word of the speaker's name or role.</summary>
    public static IReadOnlyList<string> SpeakerWords(string speaker) =>
        System.Text.RegularExpressions.Regex.Matches(speaker, @"[\p{L}\p{N}]+").Select(m => m.Value).Take(8).ToList();
}

/// <summary>
/// One commitment's status, with the statements it cites (<see cref="CitedStatement.CitedBy"/>), in that order, and
/// whether it is overdue on the report's day (its as-of date, else the day it was generated).
/// </summary>
public sealed record StatusReportRow(string AgreementId, string AgreementTitle, IReadOnlyList<string> Parties, CommitmentStatus Status,
    IReadOnlyList<CitedStatement> Statements, bool Overdue)
{
    /// <summary>Parties that no longer existed on the report's day (a former state, a dissolved organisation), by the
    /// registry's validity; what was recorded about them stands. Absent when every party still existed.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<PartyNoLongerExisting>? PartiesNoLongerExisting { get; init; }

    /// <summary>The parties' names in the registry, for documents a person reads ("Ukraine (UKR)"); JSON keeps the codes.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public IReadOnlyDictionary<string, string>? PartyNames { get; init; }

    /// <summary>"Ukraine (UKR), France (FRA)": each party by its registry name, its code after it.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string NamedParties => string.Join(", ", Parties.Select(p =>
        PartyNames?.GetValueOrDefault(p) is { } name ? $"{name} ({p})" : p));
}

/// <summary>A party that had ceased to exist by the report's day: its code, registry name and last day.</summary>
public sealed record PartyNoLongerExisting(string Actor, string Name, DateOnly ValidTo)
{
    public override string ToString() => $"{Actor} ({Name}) no longer existed after {ValidTo:yyyy-MM-dd}";

    /// <summary>
    /// The parties' names ("Ukraine", a unit as "Ukraine (MOD)") and those that had ceased to exist by the day (a unit
    /// goes with its actor), as <paramref name="find"/> gives each actor's name and last day: the built-in list for a
    /// report computed without a store, the registry as known at the report's instant for the store's.
    /// </summary>
    public static (Dictionary<string, string> Names, IReadOnlyList<PartyNoLongerExisting>? Gone) Describe(
        IEnumerable<string> parties, DateOnly day, Func<string, (string Name, DateOnly? ValidTo)?> find)
    {
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        var gone = new List<PartyNoLongerExisting>();
        foreach (var party in parties)
        {
            var head = party.Split('-')[0];
            if (find(head) is not { } actor) continue;
            names[party] = party == head ? actor.Name : $"{actor.Name} ({party[(head.Length + 1)..]})";
            if (actor.ValidTo is { } to && to < day) gone.Add(new PartyNoLongerExisting(party, actor.Name, to));
        }
        return (names, gone.Count == 0 ? null : gone);
    }

    /// <summary>From the built-in list alone (reports computed without a store).</summary>
    public static (Dictionary<string, string> Names, IReadOnlyList<PartyNoLongerExisting>? Gone) FromBuiltinList(
        IEnumerable<string> parties, DateOnly day) =>
        Describe(parties, day, head => Registry.BuiltinActors.Find(head) is { } a ? (a.Name, a.ValidTo) : null);
}

/// <summary>What a status report says before its rows: the clocks, the filter, and the totals over every matching row.</summary>
public sealed record StatusReportHead(DateOnly? AsOf, DateTimeOffset? KnownAt, DateTimeOffset GeneratedAt,
    StatusReportFilter Filter, IReadOnlyDictionary<string, int> TotalsByStage)
{
    public int Total => TotalsByStage.Values.Sum();

    /// <summary>The day "overdue" is judged on: the as-of date, else the day the report was generated (UTC).</summary>
    public DateOnly Day => DayOf(AsOf, GeneratedAt);

    public static DateOnly DayOf(DateOnly? asOf, DateTimeOffset generatedAt) => asOf ?? DateOnly.FromDateTime(generatedAt.UtcDateTime);
}

/// <summary>
/// The portfolio: every matching commitment's status, as of a date and as known at an instant; one page of it
/// (<c>Rows</c>), with totals over all of it.
/// </summary>
public sealed record StatusReport(
    DateOnly? AsOf,
    DateTimeOffset? KnownAt,
    DateTimeOffset GeneratedAt,
    StatusReportFilter Filter,
    IReadOnlyList<StatusReportRow> Rows,
    IReadOnlyDictionary<string, int> TotalsByStage,
    int Total,
    int Page,
    int PageSize)
{
    [System.Text.Json.Serialization.JsonIgnore]
    public StatusReportHead Head => new(AsOf, KnownAt, GeneratedAt, Filter, TotalsByStage);

    /// <summary>Per commitment of this page, how many proposals on its statements await review now (four-eyes review);
    /// absent when none do.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<AwaitingReviewCount>? AwaitingReview { get; init; }

    /// <summary>
    /// The report computed in memory from folded agreements: the definition the portfolio tables are tested against,
    /// and what renders a report of a few agreements without a database.
    /// </summary>
    public static StatusReport Build(IEnumerable<Agreement> agreements, StatusReportFilter filter, DateOnly? asOf,
        DateTimeOffset? knownAt, DateTimeOffset now)
    {
        var day = StatusReportHead.DayOf(asOf, now);
        var rows = agreements
            .Where(a => filter.Agreement is null || a.Id == filter.Agreement)
            .Where(a => filter.Party is null || a.Parties.Contains(filter.Party, StringComparer.OrdinalIgnoreCase))
            .OrderBy(a => a.Id, StringComparer.Ordinal)
            .SelectMany(a => StatusRule.EvaluateAll(a, asOf).Select(s => s.Abridged()).Select(s =>
            {
                var (names, gone) = PartyNoLongerExisting.FromBuiltinList(a.Parties, day);
                return new StatusReportRow(a.Id, a.Title, a.Parties, s,
                    [.. CitedStatement.CitedBy(s).Select(id => CitedStatement.Of(id, a.Statement(id)!.Current))], s.IsOverdueOn(day))
                {
                    PartiesNoLongerExisting = gone,
                    PartyNames = names,
                };
            }))
            .Where(r => filter.Category is null || r.Status.Category == filter.Category)
            .Where(r => filter.Stage is null || r.Status.Stage == filter.Stage)
            .Where(r => filter.Contested is null || r.Status.Contested == filter.Contested)
            .Where(r => filter.Overdue is null || r.Overdue == filter.Overdue)
            .ToList();
        return new StatusReport(asOf, knownAt, now, filter, rows, AgreementSummary.CountByStage(rows.Select(r => r.Status)),
            rows.Count, 1, rows.Count);
    }
}

public sealed record ChangeRow(string AgreementId, string CommitmentId, string CommitmentTitle, StageTransition Transition);

public sealed record ChangesReportHead(DateOnly From, DateOnly To, DateTimeOffset? KnownAt, DateTimeOffset GeneratedAt, int Total);

/// <summary>What moved in a period (valid time): every stage transition said within [from, to], an imprecise
/// date (a month, a year) counting on its last day; one page of it, with the total.</summary>
public sealed record ChangesReport(DateOnly From, DateOnly To, DateTimeOffset? KnownAt, DateTimeOffset GeneratedAt,
    IReadOnlyList<ChangeRow> Changes, int Total, int Page, int PageSize)
{
    [System.Text.Json.Serialization.JsonIgnore]
    public ChangesReportHead Head => new(From, To, KnownAt, GeneratedAt, Total);

    /// <summary>The report computed in memory from folded agreements (see <see cref="StatusReport.Build"/>).</summary>
    public static ChangesReport Build(IEnumerable<Agreement> agreements, DateOnly from, DateOnly to, DateTimeOffset? knownAt,
        DateTimeOffset now)
    {
        var changes = agreements
            .OrderBy(a => a.Id, StringComparer.Ordinal)
            .SelectMany(a => StatusRule.EvaluateAll(a)
                .SelectMany(s => s.Transitions
                    // Placed by the last day its date can mean, as asOf counts it: "June 2025" moved in a report
                    // that covers June 30, not in one for June 1-10.
                    .Where(t => t.SaidOn.End >= from && t.SaidOn.End <= to)
                    .Select(t => new ChangeRow(a.Id, s.CommitmentId, s.Title, t))))
            .OrderBy(c => c.Transition.SaidOn).ThenBy(c => c.AgreementId, StringComparer.Ordinal)
            .ToList();
        return new ChangesReport(from, to, knownAt, now, changes, changes.Count, 1, changes.Count);
    }
}
