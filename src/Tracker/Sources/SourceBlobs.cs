using System.Security.Cryptography;
using Npgsql;
using Tracker.Infrastructure;

namespace Tracker.Sources;

/// <summary>Captured and uploaded bytes, content-addressed: stored once per SHA-256, with their extracted text.</summary>
public static class SourceBlobs
{
    public const string Table = TrackerHost.MartenSchema + ".source_blobs";

    public static string Hex(byte[] hash) => Convert.ToHexStringLower(hash);

    public static string HashOf(byte[] bytes) => Hex(SHA256.HashData(bytes));

    public static string? TextHashOf(string? text) => text is null ? null : Hex(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)));

    /// <summary>Stores the bytes unless the same bytes are stored already; answers their SHA-256 (hex).</summary>
    public static async Task<string> PutAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, byte[] bytes, string contentType,
        string? text, CancellationToken ct)
    {
        var hash = SHA256.HashData(bytes);
        await using var cmd = new NpgsqlCommand($"""
            insert into {Table} (sha256, content_type, length, bytes, text, stored_at) values (@h, @t, @n, @b, @x, now())
            on conflict (sha256) do nothing
            """, conn, tx);
        cmd.Parameters.AddWithValue("h", hash);
        cmd.Parameters.AddWithValue("t", contentType);
        cmd.Parameters.AddWithValue("n", (long)bytes.Length);
        cmd.Parameters.AddWithValue("b", bytes);
        // PostgreSQL text holds no U+0000 (a PDF's text may): dropped, as the search index drops it.
        cmd.Parameters.AddWithValue("x", (object?)text?.Replace("\0", "") ?? DBNull.Value);
        await cmd.ExecuteNonQueryAsync(ct);
        return Hex(hash);
    }

    public sealed record Blob(string ContentType, byte[] Bytes, string? Text);

    public static async Task<Blob?> GetAsync(NpgsqlDataSource dataSource, string sha256Hex, bool withBytes, CancellationToken ct)
    {
        if (sha256Hex.Length != 64 || !sha256Hex.All(Uri.IsHexDigit)) return null;
        await using var cmd = dataSource.CreateCommand(
            $"select content_type, {(withBytes ? "bytes" : "''::bytea")}, text from {Table} where sha256 = @h");
        cmd.Parameters.AddWithValue("h", Convert.FromHexString(sha256Hex));
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct)) return null;
        return new Blob(reader.GetString(0), (byte[])reader[1], reader.IsDBNull(2) ? null : reader.GetString(2));
    }
}
