using Tracker.Agreements;

namespace Tracker.Portfolio;

/// <summary>
/// A statement a report row cites, as its reader needs it to check the status without opening the tracker: the words
/// and their translation, who said them in what role, where they were found (with an archived copy when there is one),
/// and the id to find it by. The reading is the one known at the report's instant: a later correction of a quote does
/// not rewrite what a report "as known at" an earlier instant says.
/// </summary>
public sealed record CitedStatement(
    Guid StatementId,
    SaidOn SaidOn,
    string Speaker,
    string? Role,
    string? Actor,
    string? Place,
    string Quote,
    string Language,
    string? Translation,
    string Outlet,
    SourceKind SourceKind,
    string? Url,
    string? ArchiveUrl,
    DateOnly? PublishedOn)
{
    /// <summary>The speaker's person in the people registry (by id, or by a name or alias the speaker's name matches),
    /// as its registry name; absent when the registry has no such person.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public string? Person { get; init; }

    /// <summary>For a statement that gives no role: the role its person held on its said-on date, from the registry.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public string? RoleOnDate { get; init; }

    /// <summary>What the latest capture of its source says: whether the quote was found there, and the captured copy's link.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public SourceCheck? SourceCheck { get; init; }

    /// <summary>The agreement document its source cites, if any.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public Guid? SourceDocument { get; init; }

    /// <summary>Where in that document: "p. 3, ¶ 2".</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public string? SourcePinpoint { get; init; }

    public static CitedStatement Of(Guid statementId, StatementContent c) => new(statementId, c.SaidOn, c.Speaker.Name,
        c.Speaker.Role, c.Speaker.Actor, c.Place, c.Quote, c.Language, c.Translation, c.Source.Outlet, c.Source.Kind,
        c.Source.Url, c.Source.ArchiveUrl, c.Source.PublishedOn)
    {
        SourceDocument = c.Source.DocumentId,
        SourcePinpoint = c.Source.Pinpoint,
    };

    /// <summary>The statements a status cites, each once: its supporting evidence, then those that dispute it.</summary>
    public static IEnumerable<Guid> CitedBy(CommitmentStatus status) =>
        status.Evidence.Concat(status.Conflicting).Select(e => e.StatementId).Distinct();
}
