using JasperFx.Events;

namespace Tracker.Registry.People;

/// <summary>One person as their stream has it (kept inline: a write decides on it).</summary>
public sealed class PersonRecord
{
    /// <summary>The stream key, <c>person:slug</c>.</summary>
    public string Id { get; set; } = "";
    public string PersonId { get; set; } = "";
    public long Version { get; set; }
    public string Name { get; set; } = "";
    public List<string> Aliases { get; set; } = [];
    public List<PersonRole> Roles { get; set; } = [];
    public string? Notes { get; set; }

    public static PersonRecord Create(IEvent<PersonRegistered> e) => new()
    {
        Id = PersonStreams.KeyOf(e.Data.PersonId),
        PersonId = e.Data.PersonId,
        Name = e.Data.Name,
        Aliases = [.. e.Data.Aliases],
        Roles = [.. e.Data.Roles],
        Notes = e.Data.Notes,
    };

    public void Apply(PersonAliasAdded e) => Aliases.Add(e.Alias);
    public void Apply(PersonRoleAdded e) => Roles.Add(e.Role);

    public IEnumerable<string> Keys => Aliases.Prepend(Name).Select(Kernel.NameKey.Of);

    /// <summary>The role held on a date; when roles overlap, the one that began last.</summary>
    public PersonRole? RoleOn(DateOnly date) =>
        Roles.Where(r => r.HeldOn(date)).OrderByDescending(r => r.From ?? DateOnly.MinValue).FirstOrDefault();
}
