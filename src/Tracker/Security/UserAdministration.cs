using System.Text.RegularExpressions;
using Marten;
using Npgsql;
using Tracker.Agreements.Storage;
using SessionOptions = Marten.Services.SessionOptions;

namespace Tracker.Security;

public sealed record IssuedToken(string UserName, string Role, string Token);

/// <summary>Adds, lists and revokes API users. Used by the <c>users</c> verb and by the Development start-up.</summary>
public sealed partial class UserAdministration(IDocumentStore store, NpgsqlDataSource dataSource, TimeProvider clock)
{
    /// <summary>
    /// Adds the user and issues their token, unless an active user has the name. Changes to users take turns (over
    /// HTTP, at the command line, on any instance), so of several adding one name at once exactly one is handed a
    /// token, and the others are told the name is taken.
    /// </summary>
    public async Task<IssuedToken> AddAsync(string name, string role, CancellationToken ct = default)
    {
        Validate(name, role);
        return await InTurnAsync(async session =>
        {
            if (await session.LoadAsync<ApiUser>(name, ct) is { RevokedAt: null })
                throw new UserAdministrationException(UserProblem.Exists, "name", $"user '{name}' already exists; revoke it first to issue a new token");
            return await IssueAsync(session, name, role, null, ct);
        }, ct);
    }

    /// <summary>Gives the user a fresh token (creating the user if needed); earlier tokens stop working, their email stays.</summary>
    public async Task<IssuedToken> ReissueAsync(string name, string role, CancellationToken ct = default)
    {
        Validate(name, role);
        return await InTurnAsync(async session => await IssueAsync(session, name, role, (await session.LoadAsync<ApiUser>(name, ct))?.Email, ct), ct);
    }

    /// <summary>Sets (or, with null, removes) the address the user's digest is mailed to: a plain address, no name.</summary>
    public Task SetEmailAsync(string name, string? email, CancellationToken ct = default)
    {
        email = string.IsNullOrWhiteSpace(email) ? null : email.Trim();
        if (email is not null && (email.Length > 254 || !System.Net.Mail.MailAddress.TryCreate(email, out var parsed) || parsed.Address != email
                                  || parsed.DisplayName.Length > 0))
            throw new UserAdministrationException(UserProblem.Invalid, "email", $"'{email}' is not an email address (name@example.org)");
        return InTurnAsync(async session =>
        {
            var user = await session.LoadAsync<ApiUser>(name, ct) ?? throw new UserAdministrationException(UserProblem.NotFound, "name", $"no user '{name}'");
            user.Email = email;
            session.Store(user);
            await session.SaveChangesAsync(ct);
            return true;
        }, ct);
    }

    /// <summary>Whether the name is an API user's, not revoked, with the admin role (an import marked pre-approved).</summary>
    public static async Task<bool> IsActiveAdminAsync(IServiceProvider services, string name, CancellationToken ct = default)
    {
        await using var session = services.GetRequiredService<IDocumentStore>().QuerySession();
        return await session.LoadAsync<ApiUser>(name, ct) is { RevokedAt: null, Role: Roles.Admin };
    }

    public async Task<IReadOnlyList<ApiUser>> ListAsync(CancellationToken ct = default)
    {
        await using var session = store.QuerySession();
        return (await session.Query<ApiUser>().OrderBy(u => u.Id).ToListAsync(ct)).ToList();
    }

    /// <summary>
    /// Revokes the user's token. The last admin cannot be revoked (nobody could manage users any more); two admins
    /// revoking each other at once take turns, so one of them remains.
    /// </summary>
    public Task RevokeAsync(string name, CancellationToken ct = default) => InTurnAsync(async session =>
    {
        var user = await session.LoadAsync<ApiUser>(name, ct) ?? throw new UserAdministrationException(UserProblem.NotFound, "name", $"no user '{name}'");
        if (user.RevokedAt is not null) return true;
        if (user.Role == Roles.Admin &&
            await session.Query<ApiUser>().CountAsync(u => u.Role == Roles.Admin && u.RevokedAt == null && u.Id != name, ct) == 0)
            throw new UserAdministrationException(UserProblem.LastAdmin, "name",
                $"'{name}' is the last admin; add another admin before revoking this one");
        user.RevokedAt = clock.GetUtcNow();
        session.Store(user);
        await session.SaveChangesAsync(ct);
        return true;
    }, ct);

    /// <summary>
    /// Runs a change to users in their turn: a transaction that first takes the users' advisory lock, so what the
    /// change reads (is the name taken? is this the last admin?) still holds when it commits.
    /// </summary>
    private async Task<T> InTurnAsync<T>(Func<IDocumentSession, Task<T>> change, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await Turns.TakeAsync(connection, transaction, Turns.Users, ct);
        await using var session = store.LightweightSession(SessionOptions.ForTransaction(transaction));
        var result = await change(session);
        await transaction.CommitAsync(ct);
        return result;
    }

    public async Task<ApiUser?> FindByTokenHashAsync(string hash, CancellationToken ct = default)
    {
        await using var session = store.QuerySession();
        return await session.Query<ApiUser>().FirstOrDefaultAsync(u => u.TokenHash == hash && u.RevokedAt == null, ct);
    }

    private async Task<IssuedToken> IssueAsync(IDocumentSession session, string name, string role, string? email, CancellationToken ct)
    {
        var token = ApiUser.NewToken();
        session.Store(new ApiUser
        {
            Id = name, Role = role, TokenHash = ApiUser.Hash(token), CreatedAt = clock.GetUtcNow(), Email = email,
        });
        await session.SaveChangesAsync(ct);
        return new IssuedToken(name, role, token);
    }

    private static void Validate(string name, string role)
    {
        if (!NamePattern().IsMatch(name))
            throw new UserAdministrationException(UserProblem.Invalid, "name",
                $"'{name}' is not a valid user name: 1-64 letters, digits, '.', '_', '-' or '@'");
        if (!Roles.All.Contains(role))
            throw new UserAdministrationException(UserProblem.Invalid, "role", $"'{role}' is not a role; use one of: {string.Join(", ", Roles.All)}");
    }

    [GeneratedRegex("^[A-Za-z0-9._@-]{1,64}$")]
    private static partial Regex NamePattern();
}

public enum UserProblem { Invalid, Exists, NotFound, LastAdmin }

public sealed class UserAdministrationException(UserProblem problem, string field, string message) : Exception(message)
{
    public UserProblem Problem { get; } = problem;
    public string Field { get; } = field;
}
