using Tracker.Agreements.Deciding;

namespace Tracker.Agreements;

public sealed record SpeakerInput(string? Name, string? Role = null, string? Actor = null,
    [property: Kernel.OptionalField] string? PersonId = null)
{
    public Speaker? Check(Checks check, string field)
    {
        check.Required(field + ".name", Name, Checks.MaxNameLength);
        check.MaxLength(field + ".role", Role, Checks.MaxNameLength);
        var actor = Actor is null ? null : check.Actor(field + ".actor", Actor);
        if (PersonId is not null && !check.Actors.HasPerson(PersonId))
            check.Fail(field + ".personId", $"'{PersonId}' is not a registered person (GET /api/people?q=…)");
        return check.Passed ? new Speaker(Name!.Trim(), OpenAgreement.NullIfBlank(Role), actor, PersonId) : null;
    }
}

public sealed record SourceInput(
    string? Outlet,
    [property: Kernel.WireVocabulary(typeof(SourceKind))] string? Kind,
    string? Url = null,
    DateOnly? PublishedOn = null,
    string? Reliability = null,
    int? Credibility = null,
    string? ArchiveUrl = null,
    [property: Kernel.OptionalField] Guid? DocumentId = null,
    [property: Kernel.OptionalField] int? Page = null,
    [property: Kernel.OptionalField] int? Paragraph = null)
{
    /// <param name="documentExists">Whether a document id is one of this agreement's documents (none: every id is refused).</param>
    public Source? Check(Checks check, string field, DateOnly today, Func<Guid, bool>? documentExists = null)
    {
        check.Required(field + ".outlet", Outlet, Checks.MaxNameLength);
        check.Vocabulary<SourceKind>(field + ".kind", Kind, out var kind);
        check.Url(field + ".url", Url);
        check.Url(field + ".archiveUrl", ArchiveUrl);
        if (PublishedOn > today) check.Fail(field + ".publishedOn", $"{PublishedOn:yyyy-MM-dd} is in the future");
        if (Reliability is not null && Reliability is not ("A" or "B" or "C" or "D" or "E" or "F"))
            check.Fail(field + ".reliability", "must be an Admiralty source grade, A (completely reliable) to F (cannot be judged)");
        if (Credibility is not null and not (>= 1 and <= 6))
            check.Fail(field + ".credibility", "must be an Admiralty information grade, 1 (confirmed) to 6 (cannot be judged)");
        CheckDocument(check, field, documentExists);
        return check.Passed
            ? new Source(Outlet!.Trim(), kind, Url, PublishedOn, Reliability, Credibility, ArchiveUrl, DocumentId, Page, Paragraph)
            : null;
    }

    private void CheckDocument(Checks check, string field, Func<Guid, bool>? documentExists)
    {
        if (DocumentId is { } id)
        {
            if (id == Guid.Empty) check.Fail(field + ".documentId", "must not be the empty GUID");
            else if (documentExists?.Invoke(id) != true)
                check.Fail(field + ".documentId", $"document {id} is not attached to this agreement (GET /api/agreements/{{agreementId}}/documents)");
        }
        else if (Page is not null || Paragraph is not null)
            check.Fail(field + (Page is not null ? ".page" : ".paragraph"), "points into a document: give the document too (documentId)");
        if (Page is < 1) check.Fail(field + ".page", $"{Page} is not a page number: pages are counted from 1");
        if (Paragraph is < 1) check.Fail(field + ".paragraph", $"{Paragraph} is not a paragraph number: paragraphs are counted from 1");
    }
}

public sealed record AssertionInput(string? CommitmentId, [property: Kernel.WireVocabulary(typeof(Stage))] string? Stage, Quantity? Quantity = null, string? Note = null)
{
    public Assertion? Check(Checks check, string field)
    {
        check.Slug(field + ".commitmentId", CommitmentId);
        check.Vocabulary<Stage>(field + ".stage", Stage, out var stage);
        Quantities.Check(check, field + ".quantity", Quantity);
        check.MaxLength(field + ".note", Note, 2000);
        return check.Passed ? new Assertion(CommitmentId!, stage, Quantity, OpenAgreement.NullIfBlank(Note)) : null;
    }
}

/// <summary>The statement fields as a client sends them: vocabulary as strings, checked field by field.</summary>
public sealed record StatementInput(
    string? SaidOn,
    SpeakerInput? Speaker,
    string? Place,
    string? Quote,
    string? Language,
    string? Translation,
    SourceInput? Source,
    IReadOnlyList<AssertionInput>? Assertions)
{
    public StatementContent? Check(Checks check, DateOnly today, Func<string, bool> commitmentExists,
        Func<Guid, bool>? documentExists = null)
    {
        var saidOn = CheckSaidOn(check, "saidOn", SaidOn, today);
        var speaker = Speaker is null ? Missing<Speaker>(check, "speaker") : Speaker.Check(check, "speaker");
        check.MaxLength("place", Place, Checks.MaxNameLength);
        check.Required("quote", Quote, Checks.MaxTextLength);
        check.Language("language", Language);
        check.MaxLength("translation", Translation, Checks.MaxTextLength);
        var source = Source is null ? Missing<Source>(check, "source") : Source.Check(check, "source", today, documentExists);
        if (saidOn is { } s && Source?.PublishedOn is { } published && s.Start > published)
            check.Fail("saidOn", $"{s} is after the source was published ({published:yyyy-MM-dd})");
        var assertions = CheckAssertions(check, Assertions, commitmentExists);
        return check.Passed
            ? new StatementContent(saidOn!.Value, speaker!, OpenAgreement.NullIfBlank(Place), Quote!.Trim(), Language!,
                OpenAgreement.NullIfBlank(Translation), source!, assertions!)
            : null;
    }

    public static SaidOn? CheckSaidOn(Checks check, string field, string? text, DateOnly today)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            check.Fail(field, "is required: YYYY-MM-DD, or YYYY-MM / YYYY when the source gives only the month or year");
            return null;
        }
        if (!Agreements.SaidOn.TryParse(text, out var saidOn))
        {
            check.Fail(field, $"'{text}' is not a date: use YYYY-MM-DD, YYYY-MM or YYYY");
            return null;
        }
        if (saidOn.Start > today)
        {
            check.Fail(field, $"{saidOn} is in the future");
            return null;
        }
        return saidOn;
    }

    public static IReadOnlyList<Assertion>? CheckAssertions(
        Checks check, IReadOnlyList<AssertionInput>? inputs, Func<string, bool> commitmentExists)
    {
        if (!check.ListSize("assertions", inputs, min: 1)) return null;
        var assertions = new List<Assertion>();
        for (var i = 0; i < inputs!.Count; i++)
        {
            var field = $"assertions[{i}]";
            if (inputs[i] is not { } input)
            {
                check.Fail(field, "is empty");
                continue;
            }
            if (input.Check(check, field) is not { } assertion) continue;
            if (!commitmentExists(assertion.CommitmentId))
                check.Fail(field + ".commitmentId", $"commitment '{assertion.CommitmentId}' does not exist in this agreement");
            else if (assertions.Any(a => a.CommitmentId == assertion.CommitmentId))
                check.Fail(field + ".commitmentId", $"commitment '{assertion.CommitmentId}' is asserted twice in one statement");
            else assertions.Add(assertion);
        }
        return assertions;
    }

    private static T? Missing<T>(Checks check, string field) where T : class
    {
        check.Fail(field, "is required");
        return null;
    }
}
