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
    public async Task<IssuedToken> AddAsync(string name, string role, CancellationToken ct = default)
    {
        Validate(name, role);
        await using var session = store.LightweightSession();
        if (await session.LoadAsync<ApiUser>(name, ct) is { RevokedAt: null })
            throw new UserAdministrationException(UserProblem.Exists, "name", $"user '{name}' already exists; revoke it first to issue a new token");
        return await IssueAsync(session, name, role, ct);
    }

    /// <summary>Gives the user a fresh token (creating the user if needed); earlier tokens stop working.</summary>
    public async Task<IssuedToken> ReissueAsync(string name, string role, CancellationToken ct = default)
    {
        Validate(name, role);
        await using var session = store.LightweightSession();
        return await IssueAsync(session, name, role, ct);
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
    public async Task RevokeAsync(string name, CancellationToken ct = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await Turns.TakeAsync(connection, transaction, Turns.Users, ct);
        await using var session = store.LightweightSession(SessionOptions.ForTransaction(transaction));
        var user = await session.LoadAsync<ApiUser>(name, ct) ?? throw new UserAdministrationException(UserProblem.NotFound, "name", $"no user '{name}'");
        if (user.RevokedAt is not null) return;
        if (user.Role == Roles.Admin &&
            await session.Query<ApiUser>().CountAsync(u => u.Role == Roles.Admin && u.RevokedAt == null && u.Id != name, ct) == 0)
            throw new UserAdministrationException(UserProblem.LastAdmin, "name",
                $"'{name}' is the last admin; add another admin before revoking this one");
        user.RevokedAt = clock.GetUtcNow();
        session.Store(user);
        await session.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
    }

    public async Task<ApiUser?> FindByTokenHashAsync(string hash, CancellationToken ct = default)
    {
        await using var session = store.QuerySession();
        return await session.Query<ApiUser>().FirstOrDefaultAsync(u => u.TokenHash == hash && u.RevokedAt == null, ct);
    }

    private async Task<IssuedToken> IssueAsync(IDocumentSession session, string name, string role, CancellationToken ct)
    {
        var token = ApiUser.NewToken();
        session.Store(new ApiUser
        {
            Id = name, Role = role, TokenHash = ApiUser.Hash(token), CreatedAt = clock.GetUtcNow(),
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
