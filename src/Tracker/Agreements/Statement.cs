namespace Tracker.Agreements;

public sealed record Quantity(decimal Amount, string Unit)
{
    public override string ToString() => $"{Amount:0.##} {Unit}";
}

/// <summary>Who spoke. <see cref="PersonId"/> links the speaker to the people registry when the analyst chose the person;
/// otherwise the name links by its spellings (see Registry).</summary>
public sealed record Speaker(string Name, string? Role = null, string? Actor = null, string? PersonId = null);

/// <summary>Where the statement was found, graded on the Admiralty scale when the analyst can.</summary>
public sealed record Source(
    string Outlet,
    SourceKind Kind,
    string? Url = null,
    DateOnly? PublishedOn = null,
    string? Reliability = null,
    int? Credibility = null,
    /// <summary>A copy that will not change or vanish (Wayback Machine, perma.cc): what a reader checks when the page moved.</summary>
    string? ArchiveUrl = null,
    /// <summary>One of the agreement's own documents (Sources.Documents) the statement cites, instead of or beside a URL.
    /// Left out of stored events when absent, so that statements citing none keep the shape they always had.</summary>
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    Guid? DocumentId = null,
    /// <summary>The page of that document, from 1.</summary>
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    int? Page = null,
    /// <summary>The paragraph (of the page, when one is given), from 1.</summary>
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    int? Paragraph = null)
{
    /// <summary>Where in a cited document, as a reader finds it: "p. 3, ¶ 2"; null when no page or paragraph is given.</summary>
    public string? Pinpoint => PinpointOf(Page, Paragraph);

    public static string? PinpointOf(int? page, int? paragraph) => (page, paragraph) switch
    {
        ({ } p, { } q) => $"p. {p}, ¶ {q}",
        ({ } p, null) => $"p. {p}",
        (null, { } q) => $"¶ {q}",
        _ => null,
    };
}

/// <summary>What one statement says about one commitment.</summary>
public sealed record Assertion(string CommitmentId, Stage Stage, Quantity? Quantity = null, string? Note = null);

/// <summary>Everything a statement says, as the analyst read it. Corrections produce a new reading.</summary>
public sealed record StatementContent(
    SaidOn SaidOn,
    Speaker Speaker,
    string? Place,
    string Quote,
    string Language,
    string? Translation,
    Source Source,
    IReadOnlyList<Assertion> Assertions)
{
    /// <summary>Structural equality (records compare lists by reference), used for idempotent re-sends.</summary>
    public bool SameAs(StatementContent other) =>
        this with { Assertions = [] } == other with { Assertions = [] } && Assertions.SequenceEqual(other.Assertions);
}

/// <summary>
/// The fields a correction changes; null leaves a field as it was. Assertions, when given, replace the list.
/// </summary>
public sealed record StatementChanges(
    SaidOn? SaidOn = null,
    Speaker? Speaker = null,
    string? Place = null,
    string? Quote = null,
    string? Language = null,
    string? Translation = null,
    Source? Source = null,
    IReadOnlyList<Assertion>? Assertions = null)
{
    public StatementContent ApplyTo(StatementContent c) => new(
        SaidOn ?? c.SaidOn,
        Speaker ?? c.Speaker,
        Place ?? c.Place,
        Quote ?? c.Quote,
        Language ?? c.Language,
        Translation ?? c.Translation,
        Source ?? c.Source,
        Assertions ?? c.Assertions);

    public IReadOnlyList<string> ChangedFields() =>
    [
        .. SaidOn is null ? [] : new[] { "saidOn" },
        .. Speaker is null ? [] : new[] { "speaker" },
        .. Place is null ? [] : new[] { "place" },
        .. Quote is null ? [] : new[] { "quote" },
        .. Language is null ? [] : new[] { "language" },
        .. Translation is null ? [] : new[] { "translation" },
        .. Source is null ? [] : new[] { "source" },
        .. Assertions is null ? [] : new[] { "assertions" },
    ];
}
