using Microsoft.AspNetCore.Authorization;
using Tracker.Agreements;
using Tracker.Http;
using Tracker.Kernel;
using Tracker.Security;
using Wolverine.Http;

namespace Tracker.Registry.Actors;

public sealed record ActorWritten(string ActorId, long Version);

public sealed record AliasBody(string? Alias);
public sealed record AliasRemovalBody(string? Alias, string? Reason);
public sealed record RenameBody(string? Name, [property: OptionalField] string? Reason = null);
public sealed record MergeBody(string? IntoActorId, string? Reason);

/// <summary>The actor registry over HTTP: search and read for every role; register and change for analysts.</summary>
public static class ActorEndpoints
{
    [EndpointSummary("Search the actor registry by code, name or alias in any script (filters q, kind; paging)"), WolverineGet("/api/actors")]
    public static async Task<Listed<PageOf<ActorSummary>>> List(ActorReads actors, string? q, string? kind, int? page, int? pageSize,
        CancellationToken ct)
    {
        var errors = new List<FieldError>();
        var paging = Paging.Parse(page, pageSize, errors);
        var check = new Agreements.Deciding.Checks();
        ActorKind? kindFilter = null;
        if (!string.IsNullOrWhiteSpace(kind) && check.Vocabulary<ActorKind>("kind", kind, out var k)) kindFilter = k;
        errors.AddRange(check.Errors);
        if (q is { Length: > NameKey.MaxLength }) errors.Add(new FieldError("q", $"is {q.Length} characters long; the limit is {NameKey.MaxLength}"));
        if (errors.Count > 0) return new(Problems.Invalid(errors));
        return new(Results.Ok(await actors.SearchAsync(q, kindFilter, paging, ct)));
    }

    [EndpointSummary("An actor: its entry, aliases and validity, the agreements it is a party to and the statements spoken for it (paged)"),
     WolverineGet("/api/actors/{actorId}")]
    public static async Task<Found<ActorDetails>> Get(string actorId, ActorReads actors, int? page, int? pageSize, CancellationToken ct)
    {
        var errors = new List<FieldError>();
        var paging = Paging.Parse(page, pageSize, errors);
        if (errors.Count > 0) return new(Problems.Invalid(errors));
        return new(await actors.FindAsync(actorId, paging, ct) is { } found
            ? Results.Ok(found)
            : Problems.NotFound($"'{actorId}' is neither registered nor built in"));
    }

    [EndpointSummary("Register an actor (a company, an organisation, an armed group, …)"), WolverinePost("/api/actors"),
     Authorize(Policy = Roles.Policies.CanWrite)]
    public static async Task<Opened<ActorWritten>> Register(RegisterActor command, HttpContext http, RegistryWriter writer, CancellationToken ct) =>
        new(Written(await writer.ExecuteAsync(command, http.Author(), ct), command.ActorId ?? ""));

    [EndpointSummary("Add an alias (a code or a name, any script) to an actor"), WolverinePost("/api/actors/{actorId}/aliases"),
     Authorize(Policy = Roles.Policies.CanWrite)]
    public static async Task<Changed<ActorWritten>> AddAlias(string actorId, AliasBody body, HttpContext http, RegistryWriter writer,
        CancellationToken ct) =>
        new(Written(await writer.ExecuteAsync(new AddActorAlias(actorId, body.Alias), http.Author(), ct), actorId));

    [EndpointSummary("Remove an alias from an actor, with the reason (it stops resolving from now on)"),
     WolverinePost("/api/actors/{actorId}/alias-removals"), Authorize(Policy = Roles.Policies.CanWrite)]
    public static async Task<Removed<ActorWritten>> RemoveAlias(string actorId, AliasRemovalBody body, HttpContext http, RegistryWriter writer,
        CancellationToken ct) =>
        new(Written(await writer.ExecuteAsync(new RemoveActorAlias(actorId, body.Alias, body.Reason), http.Author(), ct), actorId));

    [EndpointSummary("Rename an actor (what was known before keeps the old name)"), WolverinePost("/api/actors/{actorId}/rename"),
     Authorize(Policy = Roles.Policies.CanWrite)]
    public static async Task<Changed<ActorWritten>> Rename(string actorId, RenameBody body, HttpContext http, RegistryWriter writer,
        CancellationToken ct) =>
        new(Written(await writer.ExecuteAsync(new RenameActor(actorId, body.Name, body.Reason), http.Author(), ct), actorId));

    [EndpointSummary("Merge an actor into another (its code and aliases lead there from now on; what was recorded stays)"),
     WolverinePost("/api/actors/{actorId}/merge"), Authorize(Policy = Roles.Policies.CanWrite)]
    public static async Task<Written<ActorWritten>> Merge(string actorId, MergeBody body, HttpContext http, RegistryWriter writer,
        CancellationToken ct) =>
        new(Written(await writer.ExecuteAsync(new MergeActor(actorId, body.IntoActorId, body.Reason), http.Author(), ct), actorId));

    private static IResult Written(Agreements.Storage.WriteResult result, string actorId) =>
        Problems.ForWrite(result, $"/api/actors/{actorId}", v => new ActorWritten(actorId, v));
}
