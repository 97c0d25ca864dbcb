using System.Security.Cryptography;
using Npgsql;
using Tracker.Infrastructure;

namespace Tracker.Integrity;

/// <summary>What checking the stored bytes found: how many were checked, and the first that does not match, if any.</summary>
public sealed record StoredBytesReport(long Checked, string? Failure)
{
    public bool Intact => Failure is null;
}

/// <summary>
/// Proves the bytes of captured sources and attached documents (src/Tracker/Sources): every SHA-256 that a chained
/// event names (<c>source_captured</c>, <c>document_attached</c>) must be stored, and the stored bytes must hash to it,
/// recomputed here, not by the database. The chain proves the events; this proves the bytes they vouch for.
/// </summary>
public static class StoredBytes
{
    private const string Schema = TrackerHost.MartenSchema;

    public static async Task<StoredBytesReport> VerifyAsync(NpgsqlDataSource dataSource, string? agreementId, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand($"""
            select distinct on (h.sha) h.sha, e.seq_id, b.bytes
            from {Schema}.mt_events e
            cross join lateral (select e.data ->> 'sha256' as sha) h
            left join {Schema}.source_blobs b on b.sha256 = decode(h.sha, 'hex')
            where e.type in ('source_captured', 'document_attached') and h.sha is not null
              and (@stream::varchar is null or e.stream_id = @stream)
            order by h.sha, e.seq_id
            """);
        cmd.Parameters.Add(new NpgsqlParameter("stream", NpgsqlTypes.NpgsqlDbType.Varchar)
            { Value = agreementId is null ? DBNull.Value : "sources:" + agreementId });
        long count = 0;
        await using var reader = await cmd.ExecuteReaderAsync(System.Data.CommandBehavior.SequentialAccess, ct);
        while (await reader.ReadAsync(ct))
        {
            var expected = reader.GetString(0);
            var seq = reader.GetInt64(1);
            if (await reader.IsDBNullAsync(2, ct)) return new(count, $"event #{seq} names bytes {expected}, which are not stored");
            await using var stream = reader.GetStream(2);
            var actual = Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, ct));
            if (actual != expected) return new(count, $"event #{seq} names bytes {expected}; the stored bytes hash to {actual}");
            count++;
        }
        return new(count, null);
    }
}
