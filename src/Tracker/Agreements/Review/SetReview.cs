using Tracker.Agreements.Deciding;

namespace Tracker.Agreements;

/// <summary>Require four-eyes review on an agreement, or stop requiring it (an administrator's decision).</summary>
[ImportLine("set-review", typeof(AgreementReviewSet))]
public sealed record SetReview(string AgreementId, string? Review, long? ExpectedVersion = null) : IAgreementCommand
{
    public const string Required = "required";
    public const string None = "none";
    public static readonly IReadOnlyList<string> Policies = [Required, None];

    public Outcome Decide(Agreement? agreement, DateOnly today, Registry.ActorDirectory actors)
    {
        if (agreement is null) return Outcome.NotFound("agreementId", $"agreement '{AgreementId}' does not exist");
        if (Check(new Checks(), "review", Review) is not { } required) return Outcome.Invalid("review", Refusal(Review));
        return required == agreement.ReviewRequired
            ? new AlreadyDone(agreement.Version)
            : Outcome.Append(new AgreementReviewSet(agreement.Id, required ? Required : None));
    }

    /// <summary>Whether the policy requires review; null (with the reason in <paramref name="check"/>) when it is not one.</summary>
    public static bool? Check(Checks check, string field, string? review)
    {
        switch (review?.Trim())
        {
            case Required: return true;
            case None: return false;
            default:
                check.Fail(field, Refusal(review));
                return null;
        }
    }

    private static string Refusal(string? review) => string.IsNullOrWhiteSpace(review)
        ? $"is required; one of: {string.Join(", ", Policies)}"
        : $"'{review}' is not one of: {string.Join(", ", Policies)}";
}
