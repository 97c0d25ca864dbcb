using System.Text.RegularExpressions;
using Tracker.Agreements;
using Tracker.Agreements.Deciding;
using Tracker.Kernel;

namespace Tracker.Registry.Actors;

/// <summary>A change to one actor's entry, decided on the entry as it stands (built in or registered).</summary>
public interface IActorCommand
{
    string ActorId { get; }
    /// <summary>Aliases the decision must know the owners of.</summary>
    IEnumerable<string> AliasesNamed => [];
    /// <summary>Other actors the decision must know exist.</summary>
    IEnumerable<string> ActorsNamed => [];

    /// <summary>Pure: <paramref name="actor"/> is null when the code is neither registered nor built in.</summary>
    Outcome Decide(ActorRecord? actor, ActorEntry? builtin, RegistryLookup lookup);
}

/// <summary>Register an actor outside the built-in list: a company, an armed group, a ministry with its own voice.</summary>
[ImportLine("register-actor", typeof(ActorRegistered))]
public sealed partial record RegisterActor(
    string? ActorId,
    [property: WireVocabulary(typeof(ActorKind))] string? Kind,
    string? Name,
    [property: OptionalField] string? Country = null,
    [property: OptionalField] DateOnly? ValidFrom = null,
    [property: OptionalField] DateOnly? ValidTo = null,
    [property: OptionalField] string? Notes = null,
    [property: OptionalField] string? EventCode = null,
    [property: OptionalField] IReadOnlyList<string>? Aliases = null) : IActorCommand
{
    string IActorCommand.ActorId => ActorId ?? "";
    public IEnumerable<string> AliasesNamed => Aliases ?? [];
    public IEnumerable<string> ActorsNamed => Country is null ? [] : [Country];

    public Outcome Decide(ActorRecord? actor, ActorEntry? builtin, RegistryLookup lookup)
    {
        var check = new Checks();
        if (ActorCode(check, "actorId", ActorId) && BuiltinActors.Hints.TryGetValue(ActorId!, out var meant))
            // Registered, the code would stop pointing writers at the actor they meant (UK → GBR).
            check.Fail("actorId", $"'{ActorId}' is what people write for {meant} ({BuiltinActors.Find(meant)?.Name}); register the actor under a code of its own");
        check.Vocabulary<ActorKind>("kind", Kind, out var kind);
        check.Required("name", Name, Checks.MaxNameLength);
        if (Country is not null && lookup.Actor(Country) is not { Kind: ActorKind.State or ActorKind.FormerState })
            check.Fail("country", $"'{Country}' is not a state's code (ISO 3166-1 alpha-3, e.g. FRA)");
        Validity(check, ValidFrom, ValidTo);
        check.MaxLength("notes", Notes, Checks.MaxTextLength);
        if (EventCode is not null && !EventCodePattern().IsMatch(EventCode))
            check.Fail("eventCode", "must be a CAMEO/PLOVER actor code: 3 to 15 capital letters or digits (e.g. FRABUS)");
        var aliases = CheckAliases(check, "aliases", Aliases, ActorId, lookup);
        if (!check.Passed) return Outcome.Invalid(check.Errors);

        var registered = new ActorRegistered(ActorId!, kind, Name!.Trim(), Country, ValidFrom, ValidTo,
            OpenAgreement.NullIfBlank(Notes), EventCode, aliases);
        if (builtin is not null && actor is null)
            return Outcome.Conflict("actorId", $"'{ActorId}' is built in ({builtin.Name}); add an alias or rename it instead");
        if (actor is null) return Outcome.Append(registered);
        var same = actor.Entry with { MergedInto = null } == new ActorEntry(registered.ActorId, kind, registered.Name, Country, ValidFrom,
            ValidTo, actor.Entry.Aliases, EventCode, registered.Notes) && aliases.All(a => actor.Entry.AliasList.Contains(a));
        return same
            ? new AlreadyDone(actor.Version)
            : Outcome.Conflict("actorId", $"actor '{ActorId}' is already registered ({actor.Entry.Name}) with other details");
    }

    public static bool ActorCode(Checks check, string field, string? code)
    {
        if (!check.Required(field, code, 40)) return false;
        if (CodePattern().IsMatch(code!)) return true;
        check.Fail(field, "must be capital letters and digits, starting with a letter, with units after hyphens (RENAULT, FRA-DGA)");
        return false;
    }

    internal static void Validity(Checks check, DateOnly? from, DateOnly? to)
    {
        if (from is { } f && to is { } t && t < f)
            check.Fail("validTo", $"{t:yyyy-MM-dd} is before validFrom ({f:yyyy-MM-dd})");
    }

    /// <summary>Aliases as given (trimmed), each free and unlike any other actor's code.</summary>
    internal static List<string> CheckAliases(Checks check, string field, IReadOnlyList<string>? aliases, string? actorId,
        RegistryLookup lookup)
    {
        var kept = new List<string>();
        if (!check.ListSize(field, aliases, min: 0)) return kept;
        for (var i = 0; i < (aliases?.Count ?? 0); i++)
        {
            var alias = aliases![i];
            if (!check.Required($"{field}[{i}]", alias, 100)) continue;
            if (NameKey.Of(alias).Length == 0)
            {
                check.Fail($"{field}[{i}]", "needs a letter or digit");
                continue;
            }
            if (lookup.OwnerOf(alias) is { } owner && owner != actorId)
                check.Fail($"{field}[{i}]", $"'{alias.Trim()}' already belongs to {owner}");
            else if (kept.Any(k => NameKey.Of(k) == NameKey.Of(alias)))
                check.Fail($"{field}[{i}]", $"'{alias.Trim()}' is listed twice");
            else kept.Add(alias.Trim());
        }
        return kept;
    }

    [GeneratedRegex("^[A-Z][A-Z0-9]{0,39}(-[A-Z0-9]{1,12})*$")]
    private static partial Regex CodePattern();

    [GeneratedRegex("^[A-Z0-9]{3,15}$")]
    private static partial Regex EventCodePattern();
}
