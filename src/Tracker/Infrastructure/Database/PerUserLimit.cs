using Npgsql;

namespace Tracker.Infrastructure.Database;

/// <summary>
/// A cap on the rows one user keeps in a table (their follows, their webhook subscriptions): counted under a lock of
/// that user's for that table, held until the transaction ends, so two requests at once are counted one after the other.
/// </summary>
public static class PerUserLimit
{
    /// <summary>Whether the user has fewer than <paramref name="max"/> rows in <paramref name="table"/> that meet
    /// <paramref name="counted"/> (SQL over the table's columns), with the user's lock taken for the rest of <paramref name="tx"/>.</summary>
    public static async Task<bool> HasRoomAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string table, string user, int max,
        CancellationToken ct, string counted = "true")
    {
        await using (var lockUser = new NpgsqlCommand("select pg_advisory_xact_lock(hashtextextended($1 || ':' || $2, 0))", conn, tx))
        {
            lockUser.Parameters.AddWithValue(table);
            lockUser.Parameters.AddWithValue(user);
            await lockUser.ExecuteNonQueryAsync(ct);
        }
        await using var count = new NpgsqlCommand($"select count(*) from {table} where user_name = $1 and ({counted})", conn, tx);
        count.Parameters.AddWithValue(user);
        return (long)(await count.ExecuteScalarAsync(ct))! < max;
    }
}
