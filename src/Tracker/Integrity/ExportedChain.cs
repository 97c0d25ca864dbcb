using System.Text.Json.Nodes;
using Marten;
using Npgsql;
using Tracker.Agreements.Storage;
using Tracker.Infrastructure;

namespace Tracker.Integrity;

/// <summary>
/// The hash rows of the events an export writes, read beside them in sequence order (a second forward-only
/// reader, so an export still streams): each export line carries the chain position and hash of its event.
/// </summary>
public sealed class ExportedChain : IAsyncDisposable
{
    /// <summary>The member an export line carries its event's link in; import leaves it aside.</summary>
    public const string Member = "chain";

    private readonly NpgsqlConnection _connection;
    private readonly NpgsqlCommand _command;
    private readonly NpgsqlDataReader _reader;
    private bool _more;

    private ExportedChain(NpgsqlConnection connection, NpgsqlCommand command, NpgsqlDataReader reader)
    {
        _connection = connection;
        _command = command;
        _reader = reader;
    }

    public static async Task<ExportedChain> OpenAsync(IDocumentStore store, string? agreementId, DateTimeOffset? knownAt,
        CancellationToken ct)
    {
        var connection = store.Storage.Database.CreateConnection();
        await connection.OpenAsync(ct);
        const string schema = TrackerHost.MartenSchema;
        var command = new NpgsqlCommand($"""
            select c.seq_id, c.position, c.hash from {schema}.event_chain c join {schema}.mt_events e on e.seq_id = c.seq_id
            where e.stream_id <> '{Tombstones.StreamKey}' and ($1::varchar is null or e.stream_id = $1)
              and ($2::timestamptz is null or e.timestamp <= $2)
            order by c.seq_id
            """, connection)
        {
            Parameters =
            {
                new() { Value = (object?)agreementId ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Varchar },
                new() { Value = (object?)knownAt ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.TimestampTz },
            },
        };
        var reader = await command.ExecuteReaderAsync(ct);
        var chain = new ExportedChain(connection, command, reader);
        chain._more = await reader.ReadAsync(ct);
        return chain;
    }

    /// <summary>{"sequence", "position", "hash"} of the event with this sequence number; null if it has no hash row.</summary>
    public async Task<JsonObject?> LinkAsync(long sequence, CancellationToken ct)
    {
        while (_more && _reader.GetInt64(0) < sequence) _more = await _reader.ReadAsync(ct);
        if (!_more || _reader.GetInt64(0) != sequence) return null;
        return new JsonObject
        {
            ["sequence"] = sequence,
            ["position"] = _reader.GetInt64(1),
            ["hash"] = Convert.ToHexStringLower(_reader.GetFieldValue<byte[]>(2)),
        };
    }

    /// <summary>
    /// What an import says about a file exported with its chain: why this store's hashes will not be the file's.
    /// Null when the file carries none.
    /// </summary>
    public static string? ImportNote(string path)
    {
        if (!path.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase)) return null;
        var first = File.ReadLines(path).FirstOrDefault(l => !string.IsNullOrWhiteSpace(l));
        try
        {
            if (first is null || JsonNode.Parse(first) is not JsonObject line || line[Member] is not JsonObject) return null;
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
        return $"{Path.GetFileName(path)} carries the hash chain of the store it was exported from. This store does not " +
               "reproduce it: it chains the events it appends now, under its own sequence numbers, record times, " +
               "authors and correlation ids, so its hashes differ. The import keeps what the lines say (ids, quotes, " +
               "dates, sources, corrections, retractions); the file's 'chain' members still tie each line to the " +
               "original store's chain (and its checkpoints).";
    }

    public async ValueTask DisposeAsync()
    {
        await _reader.DisposeAsync();
        await _command.DisposeAsync();
        await _connection.DisposeAsync();
    }
}
