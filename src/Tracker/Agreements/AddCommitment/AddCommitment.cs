using Tracker.Agreements.Deciding;

namespace Tracker.Agreements;

public sealed record CommitmentAdded(
    string AgreementId,
    string CommitmentId,
    string Title,
    Category Category,
    IReadOnlyList<string> ResponsibleActors,
    DateOnly? TargetDate,
    Quantity? Quantity);

/// <summary>A commitment to track inside an agreement. Also the shape of a new commitment introduced by a statement.</summary>
public sealed record CommitmentInput(
    string CommitmentId,
    string Title,
    [property: Kernel.WireVocabulary(typeof(Category))] string Category,
    IReadOnlyList<string>? ResponsibleActors = null,
    DateOnly? TargetDate = null,
    Quantity? Quantity = null)
{
    public CommitmentAdded? Check(Checks check, string prefix, string agreementId)
    {
        check.Slug(prefix + "commitmentId", CommitmentId);
        check.Required(prefix + "title", Title, Checks.MaxTitleLength);
        check.Vocabulary<Category>(prefix + "category", Category, out var category);
        var actors = new List<string>();
        if (check.ListSize(prefix + "responsibleActors", ResponsibleActors, min: 0))
            for (var i = 0; i < (ResponsibleActors?.Count ?? 0); i++)
                if (check.Actor($"{prefix}responsibleActors[{i}]", ResponsibleActors![i]) is { } actor) actors.Add(actor);
        Quantities.Check(check, prefix + "quantity", Quantity);
        return check.Passed
            ? new CommitmentAdded(agreementId, CommitmentId, Title.Trim(), category, actors, TargetDate, Quantity)
            : null;
    }
}

[ImportLine("add-commitment", typeof(CommitmentAdded))]
public sealed record AddCommitment(
    string AgreementId,
    string CommitmentId,
    string Title,
    [property: Kernel.WireVocabulary(typeof(Category))] string Category,
    IReadOnlyList<string>? ResponsibleActors = null,
    DateOnly? TargetDate = null,
    Quantity? Quantity = null,
    long? ExpectedVersion = null) : IAgreementCommand
{
    public IEnumerable<string> ActorCodes => ResponsibleActors ?? [];
    public Outcome Decide(Agreement? agreement, DateOnly today, Registry.ActorDirectory actors) => Decide(agreement, this, actors);

    public static Outcome Decide(Agreement? agreement, AddCommitment command, Registry.ActorDirectory? actors = null)
    {
        if (agreement is null) return Outcome.NotFound("agreementId", $"agreement '{command.AgreementId}' does not exist");
        var check = new Checks(actors);
        var added = new CommitmentInput(command.CommitmentId, command.Title, command.Category, command.ResponsibleActors,
            command.TargetDate, command.Quantity).Check(check, "", agreement.Id);
        if (added is null) return Outcome.Invalid(check.Errors);

        if (agreement.Commitment(added.CommitmentId) is not { } existing) return Outcome.Append(added);
        return existing.HasTermsOf(added)
            ? new AlreadyDone(existing.Added.Version)
            : Outcome.Conflict("commitmentId", $"commitment '{added.CommitmentId}' already exists in '{agreement.Id}' with other terms");
    }
}

public static class Quantities
{
    public static void Check(Checks check, string field, Quantity? quantity)
    {
        if (quantity is null) return;
        if (quantity.Amount <= 0) check.Fail(field + ".amount", "must be greater than zero");
        check.Required(field + ".unit", quantity.Unit, 50);
    }
}
