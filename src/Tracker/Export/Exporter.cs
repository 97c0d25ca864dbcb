using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using JasperFx.Events;
using Marten;
using Tracker.Agreements;
using Tracker.Agreements.Deciding;
using Tracker.Agreements.Storage;
using Tracker.Import;

namespace Tracker.Export;

/// <summary>
/// Writes the store as import lines: every event, in the order it was recorded, as the command that records it
/// again. Importing the file into an empty store rebuilds the same agreements, statements, corrections and
/// retractions with the same ids (who recorded them and when is the new store's to record). The lines of review events
/// name who proposed or decided (<see cref="ImportReader.RecordedBy"/>): an administrator's import as recorded keeps
/// those names, so that a four-eyes history re-imports with its two people. Each line carries its
/// event's place in the hash chain ("chain": sequence, position, hash). Streams the events, so memory stays flat
/// however large the store.
/// </summary>
public sealed class Exporter(IDocumentStore store)
{
    private static readonly JsonSerializerOptions Json = new(ImportReader.Json)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public async Task<int> ExportAsync(TextWriter output, string? agreementId = null, DateTimeOffset? knownAt = null,
        CancellationToken ct = default)
    {
        await using var session = store.QuerySession();
        IQueryable<IEvent> events = session.Events.QueryAllRawEvents().Where(e => e.StreamKey != Tombstones.StreamKey);
        if (agreementId is not null) events = events.Where(e => e.StreamKey == agreementId);
        if (knownAt is { } t) events = events.Where(e => e.Timestamp <= t);
        var count = 0;
        await using var chain = await Integrity.ExportedChain.OpenAsync(store, agreementId, knownAt, ct);
        await foreach (var e in events.OrderBy(e => e.Sequence).ToAsyncEnumerable(ct))
        {
            // A built-in actor taken into the registry: the change that follows takes it in again on import.
            if (e.Data is Registry.Actors.ActorRegistered { FromBuiltinList: true }) continue;
            // Captures and documents are not commands: their bytes are not in the file, and the importing store captures
            // its statements' sources itself.
            if (e.Data is Sources.SourceCaptured or Sources.DocumentAttached) continue;
            var line = LineFor(e.Data);
            if (ReviewEvents.NamesItsAuthor(e.Data) && e.UserName is { Length: > 0 } by) line[ImportReader.RecordedBy] = by;
            if (await chain.LinkAsync(e.Sequence, ct) is { } link) line[Integrity.ExportedChain.Member] = link;
            await output.WriteLineAsync(line.ToJsonString(Json));
            count++;
        }
        return count;
    }

    public static JsonObject LineFor(object data)
    {
        if (!AgreementCommands.ImportTypeOfEvent.TryGetValue(data.GetType(), out var type))
            throw new InvalidOperationException(
                $"no import form for {data.GetType().Name}: give the command that records it an [ImportLine]");
        var line = new JsonObject { ["type"] = type };
        foreach (var part in data is IImportLineParts parts ? parts.ImportLineParts : [data]) Merge(line, part);
        return line;
    }

    private static JsonObject Merge(JsonObject line, object fields)
    {
        foreach (var (key, value) in JsonSerializer.SerializeToNode(fields, fields.GetType(), Json)!.AsObject().ToList())
            line[key] = value?.DeepClone();
        return line;
    }
}
