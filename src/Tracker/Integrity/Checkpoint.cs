using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Tracker.Integrity;

/// <summary>
/// A signed head of the chain: position, the event's sequence number, the head hash and when it was signed, signed
/// with Ed25519 over <see cref="SignedText"/>. Kept in the database and, as a small JSON file, wherever an auditor keeps it.
/// </summary>
public sealed record Checkpoint(long Position, long? Sequence, byte[] Hash, DateTimeOffset SignedAt, string PublicKey, string Signature)
{
    public const string Format = "tracker-checkpoint-v1";

    /// <summary>Where this checkpoint came from (a file's path, or "database"), for the report.</summary>
    [JsonIgnore] public string Source { get; init; } = "database";

    /// <summary>The exact bytes signed: five lines, each ending in \n (UTF-8).</summary>
    public static byte[] SignedText(long position, long? sequence, byte[] hash, DateTimeOffset signedAt) =>
        Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture,
            $"{Format}\n{position}\n{sequence?.ToString(CultureInfo.InvariantCulture) ?? ""}\n{Convert.ToHexStringLower(hash)}\n{Instant(signedAt)}\n"));

    public static string Instant(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

    public byte[] SignedText() => SignedText(Position, Sequence, Hash, SignedAt);

    public string ToJson() => JsonSerializer.Serialize(new CheckpointFile(Format, Position, Sequence, Convert.ToHexStringLower(Hash),
        Instant(SignedAt), PublicKey, Signature), FileJson) + "\n";

    /// <summary>Reads a checkpoint file; null and the reason when it is not one.</summary>
    public static Checkpoint? Parse(string path, string json, out string? problem)
    {
        problem = null;
        CheckpointFile? file;
        try { file = JsonSerializer.Deserialize<CheckpointFile>(json, FileJson); }
        catch (JsonException e)
        {
            problem = $"{path}: not a checkpoint file (line {e.LineNumber + 1}: {e.Message.Split('.')[0]})";
            return null;
        }
        if (file is null || file.Format != Format) { problem = $"{path}: format: expected \"{Format}\""; return null; }
        if (file.Position < 1) { problem = $"{path}: position: must be 1 or more"; return null; }
        if (file.Head is not { Length: 64 } || !IsHex(file.Head)) { problem = $"{path}: head: must be 64 hex digits"; return null; }
        if (!DateTimeOffset.TryParse(file.SignedAt, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
        { problem = $"{path}: signedAt: not an ISO 8601 instant"; return null; }
        if (string.IsNullOrEmpty(file.PublicKey) || string.IsNullOrEmpty(file.Signature))
        { problem = $"{path}: publicKey and signature: both are required"; return null; }
        return new Checkpoint(file.Position, file.Sequence, Convert.FromHexString(file.Head), at, file.PublicKey, file.Signature) { Source = path };
    }

    private static bool IsHex(string s) => s.All(Uri.IsHexDigit);

    private static readonly JsonSerializerOptions FileJson = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private sealed record CheckpointFile(string Format, long Position, long? Sequence, string Head, string SignedAt, string PublicKey, string Signature);
}
