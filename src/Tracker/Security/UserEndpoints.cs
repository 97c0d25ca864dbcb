using Microsoft.AspNetCore.Authorization;
using Tracker.Http;
using Wolverine.Http;

namespace Tracker.Security;

public sealed record AddUser(string Name, string Role);

/// <summary>What an administrator sees of a user: never the token or its hash.</summary>
public sealed record UserView(string Name, string Role, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt);

/// <summary>User management over HTTP for admins; the same operations as the <c>users</c> verb.</summary>
public static class UserEndpoints
{
    [EndpointSummary("List API users (admin)"), WolverineGet("/api/users"), Authorize(Policy = Roles.Policies.CanAdminister)]
    public static async Task<IReadOnlyList<UserView>> List(UserAdministration users, CancellationToken ct) =>
        (await users.ListAsync(ct)).Select(u => new UserView(u.Id, u.Role, u.CreatedAt, u.RevokedAt)).ToList();

    /// <summary>201 with the new token, which is shown only in this response.</summary>
    [EndpointSummary("Add an API user and issue their token (admin)"), WolverinePost("/api/users"), Authorize(Policy = Roles.Policies.CanAdminister)]
    public static async Task<IResult> Add(AddUser command, UserAdministration users, CancellationToken ct)
    {
        try
        {
            var issued = await users.AddAsync(command.Name ?? "", command.Role ?? "", ct);
            return Results.Created($"/api/users/{issued.UserName}", issued);
        }
        catch (UserAdministrationException e)
        {
            return ProblemFor(e);
        }
    }

    [EndpointSummary("Revoke a user's token (admin)"), WolverinePost("/api/users/{name}/revocation"), Authorize(Policy = Roles.Policies.CanAdminister)]
    public static async Task<IResult> Revoke(string name, UserAdministration users, TokenLookup tokens, CancellationToken ct)
    {
        try
        {
            await users.RevokeAsync(name, ct);
            tokens.Forget(name); // at once here; other instances within TokenLookup.Freshness
            return Results.NoContent();
        }
        catch (UserAdministrationException e)
        {
            return ProblemFor(e);
        }
    }

    private static IResult ProblemFor(UserAdministrationException e) => e.Problem switch
    {
        UserProblem.NotFound => Problems.NotFound(e.Message),
        UserProblem.Exists or UserProblem.LastAdmin => Results.Problem(statusCode: StatusCodes.Status409Conflict, title: "Conflict", detail: e.Message),
        _ => Problems.Invalid(e.Field, e.Message),
    };
}
