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
    long? ExpectedVersion = null,
    /// <summary>"required" or "none" (four-eyes review); absent is the deployment's default, none unless configured.</summary>
    [property: Kernel.OptionalField] string? Review = null) : IAgreementCommand
{
    /// <summary>The deployment's default (<c>Tracker:Review:Default</c>) for a new agreement opened without <see cref="Review"/>;
    /// a re-send is compared with what it says, not with the default.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string? DefaultReview { get; init; }

    /// <summary>The setting that names the deployment's default review policy.</summary>
    public const string DefaultReviewSetting = "Tracker:Review:Default";

    /// <summary>This command as opened where the deployment's default applies: the API, the workbench and the CLI's
    /// <c>open</c> alike (an import file says what it says: see the README's review section).</summary>
    public OpenAgreement WithDeploymentDefault(IConfiguration configuration) =>
        this with { DefaultReview = configuration[DefaultReviewSetting] };

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
        var review = (command.Review ?? command.DefaultReview) is { } policy && SetReview.Check(check, "review", policy) == true;
        if (!check.Passed) return Outcome.Invalid(check.Errors);

        var opened = new AgreementOpened(command.AgreementId, command.Title.Trim(), parties,
            NullIfBlank(command.Summary), command.Tags ?? []);
        if (agreement is null)
            return review ? Outcome.Append(opened, new AgreementReviewSet(opened.AgreementId, SetReview.Required)) : Outcome.Append(opened);

        // Opening the same agreement again with the same terms is a re-send, not a conflict.
        var same = agreement.Title == opened.Title && agreement.Parties.SequenceEqual(opened.Parties) &&
                   agreement.Summary == opened.Summary && agreement.Tags.SequenceEqual(opened.Tags) &&
                   (command.Review is null || agreement.ReviewRequired == review);
        return same
            ? new AlreadyDone(agreement.Opened.Version)
            : Outcome.Conflict("agreementId", $"agreement '{command.AgreementId}' already exists with other terms");
    }

    internal static string? NullIfBlank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
}
