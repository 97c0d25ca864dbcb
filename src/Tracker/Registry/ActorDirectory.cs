using Tracker.Kernel;

namespace Tracker.Registry;

/// <summary>How one actor code given in a request resolves: to an actor's code (perhaps from an alias), or refused.</summary>
public sealed record ActorResolution(string Given, string? Id, string? Notice, string? Refusal);

/// <summary>
/// The registry as one write or report needs it: the codes it names, resolved. Built-in actors and their aliases are
/// always here; registered actors and aliases are read for the codes at hand (<see cref="RegistryReads.DirectoryAsync"/>).
/// A code is an actor's code, optionally followed by units after hyphens (UKR-MOD); an alias (EUE, "Groupe Renault")
/// resolves to its actor's code, and a merged actor's code to the one it was merged into, each with a notice saying so.
/// </summary>
public sealed class ActorDirectory(
    IReadOnlyDictionary<string, ActorEntry> registered,
    IReadOnlyDictionary<string, string> aliases,
    IReadOnlyDictionary<string, IReadOnlyList<ActorEntry>> suggestions,
    IReadOnlySet<string>? people = null)
{
    /// <summary>Whether a person id named by the request is registered.</summary>
    public bool HasPerson(string personId) => people?.Contains(personId) ?? false;

    /// <summary>
    /// The agreement documents the request cites that are attached to their agreement ("agreementId/documentId"): not the
    /// registry's, but read beside it for the same reason, so that a decision stays a pure function of what was read.
    /// </summary>
    private IReadOnlySet<string> documents = new HashSet<string>();

    public bool HasDocument(string agreementId, Guid documentId) => documents.Contains($"{agreementId}/{documentId}");

    public ActorDirectory WithDocuments(IReadOnlySet<string> attached) =>
        new(registered, aliases, suggestions, people) { documents = attached };

    /// <summary>The built-in list alone: for deciders run without a store (tests, previews of built-in actors).</summary>
    public static readonly ActorDirectory BuiltIn = new(
        new Dictionary<string, ActorEntry>(), new Dictionary<string, string>(), new Dictionary<string, IReadOnlyList<ActorEntry>>());

    public ActorEntry? Find(string id) => registered.GetValueOrDefault(id) ?? BuiltinActors.Find(id);

    public ActorResolution Resolve(string code)
    {
        if (Find(code) is { } whole) return Followed(code, whole, code, null);
        // An alias is matched whole before a hyphen is read as a unit: "Jean-Yves", "RHM-AG" are aliases as written.
        if (AliasOwner(code) is { } wholeOwner && Find(wholeOwner) is { } named)
            return Followed(code, named, wholeOwner, $"'{code}' is an alias of {wholeOwner} ({named.Name}): stored as {wholeOwner}");
        var dash = code.IndexOf('-');
        var head = dash < 0 ? code : code[..dash];
        var units = dash < 0 ? "" : code[dash..];
        if (units.Length > 0 && !ValidUnits(units))
            return new ActorResolution(code, null, null,
                $"'{code}': a unit follows its actor after a hyphen, 1 to 12 capital letters or digits each (UKR-MOD)");
        if (Find(head) is { } actor) return Followed(code, actor, code, null);
        if (AliasOwner(head) is { } owner && Find(owner) is { } aliased)
            return Followed(code, aliased, owner + units, $"'{head}' is an alias of {owner} ({aliased.Name}): stored as {owner + units}");
        if (code != code.ToUpperInvariant() && Find(code.ToUpperInvariant().Split('-')[0]) is not null)
            return new ActorResolution(code, null, null, $"'{code}' must be written in capitals: {code.ToUpperInvariant()}");
        return new ActorResolution(code, null, null, Refusal(code, head));
    }

    /// <summary>A merged actor's code leads to the one it was merged into.</summary>
    private ActorResolution Followed(string code, ActorEntry actor, string id, string? notice)
    {
        if (actor.MergedInto is not { } into) return new ActorResolution(code, id, notice, null);
        var rest = id.Length > actor.Id.Length ? id[actor.Id.Length..] : "";
        return new ActorResolution(code, into + rest, $"{actor.Id} was merged into {into}: stored as {into + rest}", null);
    }

    private string? AliasOwner(string head)
    {
        var key = NameKey.Of(head);
        return aliases.GetValueOrDefault(key) ?? BuiltinActors.ByAlias.GetValueOrDefault(key);
    }

    private static bool ValidUnits(string units) =>
        units[1..].Split('-').All(p => p.Length is >= 1 and <= 12 && p.All(c => c is (>= 'A' and <= 'Z') or (>= '0' and <= '9')));

    private string Refusal(string code, string head)
    {
        var upper = head.ToUpperInvariant();
        var meant = BuiltinActors.Hints.GetValueOrDefault(upper) ?? Nearest(upper);
        string hint;
        if (meant is not null) hint = $"; did you mean {meant} ({Find(meant)?.Name})?";
        else if (suggestions.GetValueOrDefault(code) is { Count: > 0 } close)
            hint = $"; closest: {string.Join(", ", close.Select(a => $"{a.Id} ({a.Name})"))}.";
        else hint = ".";
        return $"'{code}' is not an actor code{hint} States are ISO 3166-1 alpha-3 codes (GBR, not UK or GB); " +
               "organisations, companies and others are in the actor registry (GET /api/actors?q=…; register one with " +
               "POST /api/actors); a unit follows its actor after a hyphen (UKR-MOD)";
    }

    /// <summary>The built-in code one letter away (a typo: FRN for FRA), if exactly one is.</summary>
    private static string? Nearest(string code)
    {
        var near = BuiltinActors.ById.Keys.Where(k => OneEditApart(k, code)).Take(2).ToList();
        return near.Count == 1 ? near[0] : null;
    }

    private static bool OneEditApart(string a, string b)
    {
        if (Math.Abs(a.Length - b.Length) > 1 || a == b) return false;
        if (a.Length == b.Length) return a.Zip(b).Count(p => p.First != p.Second) == 1;
        var (shorter, longer) = a.Length < b.Length ? (a, b) : (b, a);
        for (var i = 0; i < longer.Length; i++)
            if (longer.Remove(i, 1) == shorter) return true;
        return false;
    }
}
