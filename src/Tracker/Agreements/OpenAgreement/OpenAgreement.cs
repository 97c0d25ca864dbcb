using Tracker.Agreements.Deciding;

namespace Tracker.Agreements;

public sealed record AgreementOpened(
    string AgreementId, string Title, IReadOnlyList<string> Parties, string? Summary, IReadOnlyList<string> Tags);

[ImportLine("open-agreement", typeof(AgreementOpened))]
public sealed record OpenAgreement(
    string AgreementId,
    string Title,
    IReadOnlyList<string>? Parties,
    string? Summary = null,
    IReadOnlyList<string>? Tags = null,
    long? ExpectedVersion = null) : IAgreementCommand
{
    public IEnumerable<string> ActorCodes => Parties ?? [];
    public Outcome Decide(Agreement? agreement, DateOnly today, Registry.ActorDirectory actors) => Decide(agreement, this, actors);

    public static Outcome Decide(Agreement? agreement, OpenAgreement command, Registry.ActorDirectory? actors = null)
    {
        var check = new Checks(actors);
        var parties = new List<string>();
        check.Slug("agreementId", command.AgreementId);
        check.Required("title", command.Title, Checks.MaxTitleLength);
        if (check.ListSize("parties", command.Parties, min: 2, max: Checks.MaxParties))
            for (var i = 0; i < command.Parties!.Count; i++)
                if (check.Actor($"parties[{i}]", command.Parties[i]) is { } party) parties.Add(party);
        if (parties.Distinct().Count() != parties.Count)
            check.Fail("parties", "lists a party twice");
        check.MaxLength("summary", command.Summary, Checks.MaxTextLength);
        if (check.ListSize("tags", command.Tags, min: 0))
            for (var i = 0; i < (command.Tags?.Count ?? 0); i++) check.Slug($"tags[{i}]", command.Tags![i]);
        if (!check.Passed) return Outcome.Invalid(check.Errors);

        var opened = new AgreementOpened(command.AgreementId, command.Title.Trim(), parties,
            NullIfBlank(command.Summary), command.Tags ?? []);
        if (agreement is null) return Outcome.Append(opened);

        // Opening the same agreement again with the same terms is a re-send, not a conflict.
        var same = agreement.Title == opened.Title && agreement.Parties.SequenceEqual(opened.Parties) &&
                   agreement.Summary == opened.Summary && agreement.Tags.SequenceEqual(opened.Tags);
        return same
            ? new AlreadyDone(agreement.Opened.Version)
            : Outcome.Conflict("agreementId", $"agreement '{command.AgreementId}' already exists with other terms");
    }

    internal static string? NullIfBlank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
}
