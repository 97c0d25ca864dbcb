using Microsoft.AspNetCore.Authorization;
using Tracker.Agreements;
using Tracker.Http;
using Tracker.Kernel;
using Tracker.Security;
using Wolverine.Http;

namespace Tracker.Registry.People;

public sealed record PersonWritten(string PersonId, long Version);

public sealed record RoleBody(string? Role, [property: OptionalField] string? Actor = null,
    [property: OptionalField] DateOnly? From = null, [property: OptionalField] DateOnly? To = null);

/// <summary>The people registry over HTTP: speakers with their spellings and roles over time.</summary>
public static class PeopleEndpoints
{
    [EndpointSummary("Search people by name or alias in any script (q; paging)"), WolverineGet("/api/people")]
    public static async Task<Listed<PageOf<PersonSummary>>> List(PeopleReads people, string? q, int? page, int? pageSize, CancellationToken ct)
    {
        var errors = new List<FieldError>();
        var paging = Paging.Parse(page, pageSize, errors);
        if (q is { Length: > NameKey.MaxLength }) errors.Add(new FieldError("q", $"is {q.Length} characters long; the limit is {NameKey.MaxLength}"));
        if (errors.Count > 0) return new(Problems.Invalid(errors));
        return new(Results.Ok(await people.SearchAsync(q, paging, ct)));
    }

    [EndpointSummary("A person: roles over time and every statement they made, under any spelling (paged)"), WolverineGet("/api/people/{personId}")]
    public static async Task<Found<PersonDetails>> Get(string personId, PeopleReads people, int? page, int? pageSize, CancellationToken ct)
    {
        var errors = new List<FieldError>();
        var paging = Paging.Parse(page, pageSize, errors);
        if (errors.Count > 0) return new(Problems.Invalid(errors));
        return new(await people.FindAsync(personId, paging, ct) is { } found
            ? Results.Ok(found)
            : Problems.NotFound($"person '{personId}' is not registered"));
    }

    [EndpointSummary("Register a person (name, aliases in any script, roles over time)"), WolverinePost("/api/people"),
     Authorize(Policy = Roles.Policies.CanWrite)]
    public static async Task<Opened<PersonWritten>> Register(RegisterPerson command, HttpContext http, RegistryWriter writer, CancellationToken ct)
    {
        command = command with { PersonId = command.PersonId ?? RegisterPerson.IdFor(command.Name) };
        return new(Written(await writer.ExecuteAsync(command, http.Author(), ct), command.PersonId!));
    }

    [EndpointSummary("Add an alias (a spelling, a transliteration) to a person"), WolverinePost("/api/people/{personId}/aliases"),
     Authorize(Policy = Roles.Policies.CanWrite)]
    public static async Task<Changed<PersonWritten>> AddAlias(string personId, Actors.AliasBody body, HttpContext http, RegistryWriter writer,
        CancellationToken ct) =>
        new(Written(await writer.ExecuteAsync(new AddPersonAlias(personId, body.Alias), http.Author(), ct), personId));

    [EndpointSummary("Add a role a person held (role, actor, from, to)"), WolverinePost("/api/people/{personId}/roles"),
     Authorize(Policy = Roles.Policies.CanWrite)]
    public static async Task<Changed<PersonWritten>> AddRole(string personId, RoleBody body, HttpContext http, RegistryWriter writer,
        CancellationToken ct) =>
        new(Written(await writer.ExecuteAsync(new AddPersonRole(personId, body.Role, body.Actor, body.From, body.To), http.Author(), ct), personId));

    private static IResult Written(Agreements.Storage.WriteResult result, string personId) =>
        Problems.ForWrite(result, $"/api/people/{personId}", v => new PersonWritten(personId, v));
}
