using System.Globalization;
using Tracker.Agreements;
using Tracker.Portfolio;

namespace Tracker.Reports.Rendering;

/// <summary>
/// The wording every text format shares, so a Markdown, CSV and HTML report of the same data say the same thing.
/// Everything is culture-invariant: a report must not change with the machine that renders it.
/// </summary>
public static class ReportText
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>The word for a commitment no statement speaks of yet (the same key the JSON totals use).</summary>
    public const string NoStage = "none";

    public static string Date(DateOnly date) => date.ToString("yyyy-MM-dd", Invariant);

    /// <summary>UTC, ISO 8601, with fractions of a second only when there are any.</summary>
    public static string Instant(DateTimeOffset instant) =>
        instant.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", Invariant);

    public static string AsOf(DateOnly? asOf) => asOf is { } d ? Date(d) : "latest";

    public static string KnownAt(DateTimeOffset? knownAt) => knownAt is { } t ? Instant(t) : "now";

    public static string Stage(Stage? stage) => stage?.Name() ?? NoStage;

    /// <summary>A said-on date in its own precision: 2025-06-05, 2025-06 or 2025.</summary>
    public static string SaidOn(SaidOn? saidOn) => saidOn?.ToString() ?? "";

    public static string YesNo(bool value) => value ? "yes" : "no";

    public static string Filters(StatusReportFilter filter)
    {
        var parts = new List<string>();
        if (filter.Agreement is not null) parts.Add($"agreement {filter.Agreement}");
        if (filter.Party is not null) parts.Add($"party {filter.Party}");
        if (filter.Category is { } category) parts.Add($"category {Vocabulary.NameOf(category)}");
        if (filter.Stage is { } stage) parts.Add($"stage {stage.Name()}");
        if (filter.Contested is { } contested) parts.Add(contested ? "contested" : "not contested");
        if (filter.Overdue is { } overdue) parts.Add(overdue ? "overdue" : "not overdue");
        if (filter.SourceDrift is { } drift) parts.Add(drift ? "resting on a drifted source" : "resting on no drifted source");
        if (filter.Speaker is { } speaker) parts.Add($"speaker {speaker}");
        if (filter.Actor is { } actor) parts.Add($"spoken of by {actor}");
        if (filter.AwaitingReview is { } awaiting) parts.Add(awaiting ? "statements awaiting review" : "no statement awaiting review");
        return parts.Count == 0 ? "none" : string.Join(", ", parts);
    }

    /// <summary>"Rustem Umerov (UKR)"; a speaker for no single actor (a pair, an outlet's summary) has no code.</summary>
    public static string Speaker(EvidenceRef evidence) =>
        evidence.Actor is { Length: > 0 } actor ? $"{evidence.Speaker} ({actor})" : evidence.Speaker;

    /// <summary>Who said it, where it was found, and when: "Rustem Umerov (UKR), Example Outlet, 2025-06".</summary>
    public static string Evidence(EvidenceRef evidence) => $"{Speaker(evidence)}, {evidence.Outlet}, {evidence.SaidOn}";

    /// <summary>
    /// The statements a row cites (see <see cref="CommitmentStatus.Abridged"/>), each as <paramref name="line"/> says,
    /// with a line for those left out between the first and the latest: "… 1,190 more …".
    /// </summary>
    public static IEnumerable<string> Cited(IReadOnlyList<EvidenceRef> shown, int count, Func<EvidenceRef, string> line)
    {
        for (var i = 0; i < shown.Count; i++)
        {
            yield return line(shown[i]);
            if (i == 0 && count > shown.Count)
                yield return $"… {(count - shown.Count).ToString("N0", Invariant)} more …";
        }
    }

    /// <summary>"Rustem Umerov (Minister of Defence, UKR)": the speaker with the role and actor the statement gives.</summary>
    /// <summary>A registry person is named as the registry names them, the spelling the source used after it; a statement
    /// without a role shows the role they held that day, said to come from the registry.</summary>
    public static string SpeakerWithRole(CitedStatement s) => SpeakerWithRole(
        s.Person is { } person && person != s.Speaker ? $"{person} [as “{s.Speaker}”]" : s.Speaker,
        s.Role ?? (s.RoleOnDate is { } held ? $"{held}, per the registry" : null), s.Actor);

    public static string SpeakerWithRole(string speaker, string? role, string? actor) =>
        (role, actor) switch
        {
            ({ Length: > 0 }, { Length: > 0 }) => $"{speaker} ({role}, {actor})",
            ({ Length: > 0 }, _) => $"{speaker} ({role})",
            (_, { Length: > 0 }) => $"{speaker} ({actor})",
            _ => speaker,
        };

    /// <summary>The words as said, then their translation: «“Wir prüfen …” (translation: “We are examining …”)».</summary>
    public static string Words(CitedStatement s) =>
        $"“{s.Quote}”" + (s.Translation is { Length: > 0 } t ? $" (translation: “{t}”)" : "");

    /// <summary>The statements a row cites, by id, for the formats that print each citation's words beside it.</summary>
    public static IReadOnlyDictionary<Guid, CitedStatement> ById(IReadOnlyList<CitedStatement> statements) =>
        statements.ToDictionary(s => s.StatementId);

    /// <summary>A statement that disputes the current stage, with the stage it asserts.</summary>
    public static string Conflict(EvidenceRef evidence) => $"{Evidence(evidence)}: says {evidence.Stage.Name()}";

    /// <summary>"by 2025-12-31: 8 systems", "by 2025-12-31", "8 systems", or nothing.</summary>
    public static string Target(CommitmentStatus s) =>
        (s.TargetDate, s.Target) switch
        {
            ({ } date, { } q) => $"by {Date(date)}: {Amount(q.Amount)} {q.Unit}",
            ({ } date, null) => $"by {Date(date)}",
            (null, { } q) => $"{Amount(q.Amount)} {q.Unit}",
            _ => "",
        };

    /// <summary>Trailing zeros dropped, never a thousands separator, never a locale's decimal comma.</summary>
    public static string Amount(decimal amount) => amount.ToString("0.############################", Invariant);

    public static string Quantity(QuantityEvidence? quantity) =>
        quantity is null ? "" : $"{Amount(quantity.Quantity.Amount)} {quantity.Quantity.Unit}";

    /// <summary>
    /// Every stage in ladder order, then the off-ladder stages, with zero counts kept so that two reports line up
    /// row for row; "none" (no statement yet) last, and only when there is such a commitment.
    /// </summary>
    public static IReadOnlyList<(string Stage, int Count)> Totals(IReadOnlyDictionary<string, int> totalsByStage)
    {
        var totals = Enum.GetValues<Stage>().Order()
            .Select(s => (s.Name(), totalsByStage.GetValueOrDefault(s.Name())))
            .ToList();
        if (totalsByStage.GetValueOrDefault(NoStage) is > 0 and var none) totals.Add((NoStage, none));
        return totals;
    }
}
