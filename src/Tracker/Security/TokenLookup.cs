using System.Collections.Concurrent;

namespace Tracker.Security;

/// <summary>
/// API tokens as the authentication handler sees them: a user found by a token is remembered for at most
/// <see cref="Freshness"/>, so a busy client costs one lookup a second instead of one per request, and a revoked
/// token stops working within that second on every instance (each forgets on its own clock; nothing to notify).
/// Unknown tokens are never remembered: they cannot fill the memory, and the rate limiter, which runs first, bounds
/// what they cost.
/// </summary>
public sealed class TokenLookup(UserAdministration users, TimeProvider clock)
{
    public static readonly TimeSpan Freshness = TimeSpan.FromSeconds(1);
    private const int MaxRemembered = 10_000;
    private readonly ConcurrentDictionary<string, (ApiUser User, DateTimeOffset Until)> _remembered = new(StringComparer.Ordinal);
    private long _storeLookups;

    /// <summary>How many times a token was looked up in the store (for operators and tests: the cache's effect).</summary>
    public long StoreLookups => Interlocked.Read(ref _storeLookups);

    public void Forget(string userName)
    {
        foreach (var (hash, entry) in _remembered)
            if (entry.User.Id == userName) _remembered.TryRemove(hash, out _);
    }

    public Task<ApiUser?> FindAsync(string token, CancellationToken ct) => FindByHashAsync(ApiUser.Hash(token), ct);

    /// <summary>The same lookup by the token's hash (what a workbench session keeps instead of the token).</summary>
    public async Task<ApiUser?> FindByHashAsync(string hash, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        if (_remembered.TryGetValue(hash, out var hit) && hit.Until > now) return hit.User;

        Interlocked.Increment(ref _storeLookups);
        var user = await users.FindByTokenHashAsync(hash, ct);
        if (user is null)
        {
            _remembered.TryRemove(hash, out _);
            return null;
        }
        if (_remembered.Count >= MaxRemembered) _remembered.Clear();
        _remembered[hash] = (user, now + Freshness);
        return user;
    }
}
