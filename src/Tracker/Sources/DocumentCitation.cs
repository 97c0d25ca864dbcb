using Npgsql;

namespace Tracker.Sources;

/// <summary>
/// A statement that cites one of its agreement's documents has its quote looked for in the document's text as a cited
/// page's is in a capture: a capture job whose URL is <c>document:{documentId}</c> (so that the job's key, the capture
/// rows and the <see cref="SourceCaptured"/> event serve both), run without fetching anything.
/// </summary>
public static class DocumentCitation
{
    public const string Scheme = "document:";

    public static string UrlOf(Guid documentId) => Scheme + documentId.ToString("D");

    public static Guid? Parse(string url) =>
        url.StartsWith(Scheme, StringComparison.Ordinal) && Guid.TryParse(url.AsSpan(Scheme.Length), out var id) ? id : null;

    /// <summary>The document as attached: its bytes' hash and length, its text, and a <see cref="Fetched"/> that stands for it
    /// (no bytes are carried: they are stored already, under <see cref="Sha256"/>).</summary>
    public sealed record Stored(string Sha256, long Length, string ContentType, string? Text)
    {
        public Fetched Fetched => new(null, null, ContentType, [], null);
    }

    public static async Task<Stored?> LoadAsync(NpgsqlDataSource dataSource, string agreementId, Guid documentId, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand($"""
            select encode(d.sha256, 'hex'), d.length, d.content_type, b.text
            from {Documents.Table} d join {SourceBlobs.Table} b on b.sha256 = d.sha256
            where d.agreement_id = @a and d.document_id = @d
            """);
        cmd.Parameters.AddWithValue("a", agreementId);
        cmd.Parameters.AddWithValue("d", documentId);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        return await r.ReadAsync(ct)
            ? new Stored(r.GetString(0), r.GetInt64(1), r.GetString(2), r.IsDBNull(3) ? null : r.GetString(3))
            : null;
    }
}
