namespace Tracker.Registry.People;

/// <summary>A role a person held, for an actor, between two dates (open when not known).</summary>
public sealed record PersonRole(string Role, string? Actor, DateOnly? From, DateOnly? To)
{
    public bool HeldOn(DateOnly date) => (From is null || From <= date) && (To is null || date <= To);
}

/// <summary>A speaker enters the registry, with the spellings and transliterations they appear under.</summary>
public sealed record PersonRegistered(string PersonId, string Name, IReadOnlyList<string> Aliases, IReadOnlyList<PersonRole> Roles,
    string? Notes);

public sealed record PersonAliasAdded(string PersonId, string Alias);

public sealed record PersonRoleAdded(string PersonId, PersonRole Role) : Agreements.Deciding.IImportLineParts
{
    IEnumerable<object> Agreements.Deciding.IImportLineParts.ImportLineParts => [new { PersonId }, Role];
}

public static class PersonStreams
{
    public const string Prefix = "person:";
    public static string KeyOf(string personId) => Prefix + personId;
    public static IReadOnlyList<Type> EventTypes { get; } = [typeof(PersonRegistered), typeof(PersonAliasAdded), typeof(PersonRoleAdded)];
}
