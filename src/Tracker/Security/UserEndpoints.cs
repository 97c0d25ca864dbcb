using System.Reflection;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Tracker.Http;
using Wolverine.Http;

namespace Tracker.Security;

public sealed record AddUser(string Name, [property: Kernel.WireVocabulary(typeof(Roles))] string Role);

/// <summary>What an administrator sees of a user: never the token or its hash.</summary>
public sealed record UserView(string Name, string Role, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt);

/// <summary>User management over HTTP for admins; the same operations as the <c>users</c> verb.</summary>
public static class UserEndpoints
{
    [EndpointSummary("List API users (admin)"), WolverineGet("/api/users"), Authorize(Policy = Roles.Policies.CanAdminister)]
    public static async Task<Answered<IReadOnlyList<UserView>>> List(UserAdministration users, CancellationToken ct) =>
        new(Results.Ok((await users.ListAsync(ct)).Select(u => new UserView(u.Id, u.Role, u.CreatedAt, u.RevokedAt)).ToList()));

    /// <summary>201 with the new token, which is shown only in this response.</summary>
    [EndpointSummary("Add an API user and issue their token (admin)"), WolverinePost("/api/users"), Authorize(Policy = Roles.Policies.CanAdminister)]
    public static async Task<UserIssued> Add(AddUser command, UserAdministration users, CancellationToken ct)
    {
        try
        {
            var issued = await users.AddAsync(command.Name ?? "", command.Role ?? "", ct);
            return new(Results.Created($"/api/users/{issued.UserName}", issued));
        }
        catch (UserAdministrationException e)
        {
            return new(ProblemFor(e));
        }
    }

    [EndpointSummary("Revoke a user's token (admin)"), WolverinePost("/api/users/{name}/revocation"), Authorize(Policy = Roles.Policies.CanAdminister)]
    public static async Task<UserRevoked> Revoke(string name, UserAdministration users, TokenLookup tokens, CancellationToken ct)
    {
        try
        {
            await users.RevokeAsync(name, ct);
            tokens.Forget(name); // at once here; other instances within TokenLookup.Freshness
            return new(Results.NoContent());
        }
        catch (UserAdministrationException e)
        {
            return new(ProblemFor(e));
        }
    }

    private static IResult ProblemFor(UserAdministrationException e) => e.Problem switch
    {
        UserProblem.NotFound => Problems.NotFound(e.Message),
        UserProblem.Exists or UserProblem.LastAdmin => Results.Problem(statusCode: StatusCodes.Status409Conflict, title: "Conflict", detail: e.Message),
        _ => Problems.Invalid(e.Field, e.Message),
    };
}

/// <summary>201 with the token; 400 for a bad name or role; 409 when the name is taken.</summary>
public sealed class UserIssued(IResult result) : Answer(result), IEndpointMetadataProvider
{
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder)
    {
        Json<IssuedToken>(builder, StatusCodes.Status201Created);
        Problem<HttpValidationProblemDetails>(builder, StatusCodes.Status400BadRequest);
        Problem<ProblemDetails>(builder, StatusCodes.Status409Conflict);
    }
}

/// <summary>204; 404 for an unknown user; 409 for the last administrator.</summary>
public sealed class UserRevoked(IResult result) : Answer(result), IEndpointMetadataProvider
{
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder)
    {
        builder.Metadata.Add(new Produces(StatusCodes.Status204NoContent, null, []));
        Problem<HttpValidationProblemDetails>(builder, StatusCodes.Status400BadRequest);
        Problem<ProblemDetails>(builder, StatusCodes.Status404NotFound);
        Problem<ProblemDetails>(builder, StatusCodes.Status409Conflict);
    }
}
