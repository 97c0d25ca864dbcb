using System.Text;
using Tracker.Agreements.Deciding;
using Tracker.Kernel;

namespace Tracker.Registry.People;

/// <summary>A change to one person's entry.</summary>
public interface IPersonCommand
{
    string PersonId { get; }
    IEnumerable<string> ActorsNamed => [];
    /// <summary>Names and aliases the decision must know the owners of.</summary>
    IEnumerable<string> NamesClaimed => [];

    /// <summary>Pure. <paramref name="keyOwners"/>: name key → the person it already belongs to.</summary>
    Outcome Decide(PersonRecord? person, RegistryLookup lookup, IReadOnlyDictionary<string, string> keyOwners);
}

public sealed record RoleInput(string? Role, [property: OptionalField] string? Actor = null,
    [property: OptionalField] DateOnly? From = null, [property: OptionalField] DateOnly? To = null)
{
    public PersonRole? Check(Checks check, string field, RegistryLookup lookup)
    {
        check.Required(field + ".role", Role, Checks.MaxNameLength);
        if (Actor is not null && lookup.Actor(Actor) is null)
            check.Fail(field + ".actor", $"'{Actor}' is not a registered or built-in actor");
        if (From is { } f && To is { } t && t < f) check.Fail(field + ".to", $"{t:yyyy-MM-dd} is before from ({f:yyyy-MM-dd})");
        return check.Passed ? new PersonRole(Role!.Trim(), Actor, From, To) : null;
    }
}

/// <summary>Register a speaker with the spellings they appear under (any script) and the roles they held.</summary>
[ImportLine("register-person", typeof(PersonRegistered))]
public sealed record RegisterPerson(
    [property: OptionalField] string? PersonId,
    string? Name,
    [property: OptionalField] IReadOnlyList<string>? Aliases = null,
    [property: OptionalField] IReadOnlyList<RoleInput>? Roles = null,
    [property: OptionalField] string? Notes = null) : IPersonCommand
{
    string IPersonCommand.PersonId => PersonId ?? IdFor(Name);
    public IEnumerable<string> ActorsNamed => Roles?.Select(r => r?.Actor).OfType<string>() ?? [];
    public IEnumerable<string> NamesClaimed => [.. Aliases ?? [], .. Name is null ? [] : new[] { Name }];

    public Outcome Decide(PersonRecord? person, RegistryLookup lookup, IReadOnlyDictionary<string, string> keyOwners)
    {
        var id = ((IPersonCommand)this).PersonId;
        var check = new Checks();
        if (check.Required("name", Name, Checks.MaxNameLength) && NameKey.Of(Name!).Length == 0)
            check.Fail("name", "needs a letter or digit");
        var aliases = new List<string>();
        if (check.ListSize("aliases", Aliases, min: 0))
            for (var i = 0; i < (Aliases?.Count ?? 0); i++)
                if (PersonNames.Check(check, $"aliases[{i}]", Aliases![i], id, keyOwners) is { } alias &&
                    aliases.All(a => NameKey.Of(a) != NameKey.Of(alias)) && NameKey.Of(alias) != NameKey.Of(Name ?? ""))
                    aliases.Add(alias);
        if (Name is not null) PersonNames.Check(check, "name", Name, id, keyOwners);
        var roles = new List<PersonRole>();
        if (check.ListSize("roles", Roles, min: 0))
            for (var i = 0; i < (Roles?.Count ?? 0); i++)
                if (Roles![i]?.Check(check, $"roles[{i}]", lookup) is { } role) roles.Add(role);
        check.MaxLength("notes", Notes, Checks.MaxTextLength);
        if (!check.Passed) return Outcome.Invalid(check.Errors);

        var registered = new PersonRegistered(id, Name!.Trim(), aliases, roles, Agreements.OpenAgreement.NullIfBlank(Notes));
        if (person is null) return Outcome.Append(registered);
        var same = person.Name == registered.Name && registered.Aliases.All(person.Aliases.Contains) &&
                   registered.Roles.All(person.Roles.Contains);
        return same
            ? new AlreadyDone(person.Version)
            : Outcome.Conflict("personId", $"person '{id}' is already registered ({person.Name}) with other details; " +
                                           "add aliases or roles to it, or give another personId");
    }

    /// <summary>A readable id from the name's Latin letters (rustem-umerov); a name in another script gets one from its hash.</summary>
    public static string IdFor(string? name)
    {
        var slug = new StringBuilder();
        foreach (var c in NameKey.Of(name ?? ""))
            if (c is (>= 'a' and <= 'z') or (>= '0' and <= '9')) slug.Append(c);
            else if (c == ' ' && slug.Length > 0 && slug[^1] != '-') slug.Append('-');
        var id = slug.ToString().Trim('-');
        if (id.Length > 80) id = id[..80].Trim('-');
        // Derived from the name, not random: importing the same person again finds the same id.
        return id.Length >= 2 ? id : "person-" + Convert.ToHexStringLower(
            System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(NameKey.Of(name ?? ""))))[..10];
    }
}

[ImportLine("add-person-alias", typeof(PersonAliasAdded))]
public sealed record AddPersonAlias(string PersonId, string? Alias) : IPersonCommand
{
    public IEnumerable<string> NamesClaimed => Alias is null ? [] : [Alias];

    public Outcome Decide(PersonRecord? person, RegistryLookup lookup, IReadOnlyDictionary<string, string> keyOwners)
    {
        if (person is null) return Outcome.NotFound("personId", $"person '{PersonId}' is not registered");
        var check = new Checks();
        if (PersonNames.Check(check, "alias", Alias, PersonId, keyOwners) is not { } alias) return Outcome.Invalid(check.Errors);
        return person.Keys.Contains(NameKey.Of(alias))
            ? new AlreadyDone(person.Version)
            : Outcome.Append(new PersonAliasAdded(PersonId, alias));
    }
}

[ImportLine("add-person-role", typeof(PersonRoleAdded))]
public sealed record AddPersonRole(string PersonId, string? Role, [property: OptionalField] string? Actor = null,
    [property: OptionalField] DateOnly? From = null, [property: OptionalField] DateOnly? To = null) : IPersonCommand
{
    public IEnumerable<string> ActorsNamed => Actor is null ? [] : [Actor];

    public Outcome Decide(PersonRecord? person, RegistryLookup lookup, IReadOnlyDictionary<string, string> keyOwners)
    {
        if (person is null) return Outcome.NotFound("personId", $"person '{PersonId}' is not registered");
        var check = new Checks();
        var role = new RoleInput(Role, Actor, From, To).Check(check, "role", lookup);
        if (role is null) return Outcome.Invalid([.. check.Errors.Select(e => e with { Field = e.Field.Replace("role.role", "role").Replace("role.", "") })]);
        return person.Roles.Contains(role) ? new AlreadyDone(person.Version) : Outcome.Append(new PersonRoleAdded(PersonId, role));
    }
}

internal static class PersonNames
{
    /// <summary>A name or alias, trimmed, that no other person goes by: a spelling must lead to one person.</summary>
    public static string? Check(Checks check, string field, string? name, string personId, IReadOnlyDictionary<string, string> owners)
    {
        if (!check.Required(field, name, Checks.MaxNameLength)) return null;
        var key = NameKey.Of(name!);
        if (key.Length == 0)
        {
            check.Fail(field, "needs a letter or digit");
            return null;
        }
        if (owners.TryGetValue(key, out var owner) && owner != personId)
        {
            check.Fail(field, $"'{name!.Trim()}' is already a name or alias of person '{owner}'");
            return null;
        }
        return name!.Trim();
    }
}
