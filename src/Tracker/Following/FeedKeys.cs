using System.Security.Cryptography;
using Marten;
using Npgsql;
using Tracker.Infrastructure;
using Tracker.Security;

namespace Tracker.Following;

/// <summary>
/// The key a feed reader polls a user's Atom feeds with, no session needed: random, shown to its user, kept only as its
/// SHA-256 (as the API tokens are, <see cref="ApiUser.Hash"/>). One per user: rotating it makes the old one read nothing.
/// </summary>
public static class FeedKeys
{
    public const string Table = TrackerHost.MartenSchema + ".feed_keys";
    public const string Prefix = "trf_";

    /// <summary>A new key for the user, replacing any earlier one.</summary>
    public static async Task<string> RotateAsync(NpgsqlDataSource dataSource, string user, CancellationToken ct)
    {
        var key = Prefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        await using var cmd = dataSource.CreateCommand($"""
            insert into {Table} (user_name, key_hash, created_at) values (@u, @h, now())
            on conflict (user_name) do update set key_hash = excluded.key_hash, created_at = excluded.created_at
            """);
        cmd.Parameters.AddWithValue("u", user);
        cmd.Parameters.AddWithValue("h", ApiUser.Hash(key));
        await cmd.ExecuteNonQueryAsync(ct);
        return key;
    }

    /// <summary>Whether the user has a key (it cannot be shown again: only rotated).</summary>
    public static async Task<bool> ExistsAsync(NpgsqlDataSource dataSource, string user, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand($"select exists (select 1 from {Table} where user_name = @u)");
        cmd.Parameters.AddWithValue("u", user);
        return (bool)(await cmd.ExecuteScalarAsync(ct))!;
    }

    /// <summary>The user a key is the current key of, if that user is not revoked; else null.</summary>
    public static async Task<string?> UserOfAsync(NpgsqlDataSource dataSource, IDocumentStore store, string? key, CancellationToken ct)
    {
        if (key is null || !key.StartsWith(Prefix, StringComparison.Ordinal) || key.Length > 100) return null;
        await using var cmd = dataSource.CreateCommand($"select user_name from {Table} where key_hash = @h");
        cmd.Parameters.AddWithValue("h", ApiUser.Hash(key));
        if (await cmd.ExecuteScalarAsync(ct) is not string user) return null;
        await using var session = store.QuerySession();
        return await session.LoadAsync<ApiUser>(user, ct) is { RevokedAt: null } ? user : null;
    }
}
