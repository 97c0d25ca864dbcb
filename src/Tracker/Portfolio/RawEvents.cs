using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.CompilerServices;
using JasperFx.Events;
using Marten;
using Npgsql;
using Tracker.Agreements.Storage;
using Tracker.Infrastructure;

namespace Tracker.Portfolio;

/// <summary>
/// The event log as a fold reads it: one query in (stream, version) order, each event's JSON deserialised by the
/// store's own serializer into the event type it names, with the metadata the projection reads (sequence, version,
/// stream, record time, user, correlation). A rebuild reads every event once; through Marten's LINQ event queries that
/// read cost about as much as the fold itself.
/// </summary>
internal static class RawEvents
{
    private const string Schema = TrackerHost.MartenSchema;

    /// <summary>The events of <paramref name="streams"/> (every stream but the tombstones' when null), stream after
    /// stream, each in version order.</summary>
    public static async IAsyncEnumerable<IEvent> ReadAsync(NpgsqlConnection conn, IDocumentStore store, string[]? streams,
        [EnumeratorCancellation] CancellationToken ct)
    {
        var serializer = store.Options.Serializer();
        var aliases = Aliases(store);
        await using var cmd = new NpgsqlCommand($"""
            select seq_id, id, stream_id, version, mt_dotnet_type, type, timestamp, user_name, correlation_id, causation_id, data
            from {Schema}.mt_events
            where stream_id <> $1 and is_archived is not true {(streams is null ? "" : "and stream_id = any($2)")}
            order by stream_id, version
            """, conn);
        cmd.Parameters.Add(new NpgsqlParameter { Value = Tombstones.StreamKey });
        if (streams is not null) cmd.Parameters.Add(new NpgsqlParameter { Value = streams });
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var sequence = reader.GetInt64(0);
            var id = reader.GetGuid(1);
            var stream = reader.GetString(2);
            var version = reader.GetInt64(3);
            var dotnetType = reader.IsDBNull(4) ? null : reader.GetString(4);
            var alias = reader.GetString(5);
            var timestamp = reader.GetFieldValue<DateTimeOffset>(6);
            var user = reader.IsDBNull(7) ? null : reader.GetString(7);
            var correlation = reader.IsDBNull(8) ? null : reader.GetString(8);
            var causation = reader.IsDBNull(9) ? null : reader.GetString(9);
            // By the alias the store registered, as Marten reads: a class renamed since keeps its alias.
            var (type, wrap) = aliases.TryGetValue(alias, out var known) ? TypeOf(known) : TypeOf(dotnetType ?? throw new InvalidOperationException(
                $"event {sequence} ({alias}) of stream '{stream}' is of no registered type and names no .NET type"));
            var e = wrap(serializer.FromJson(type, reader, 10));
            e.Sequence = sequence;
            e.Id = id;
            e.StreamKey = stream;
            e.Version = version;
            e.Timestamp = timestamp;
            e.UserName = user;
            e.CorrelationId = correlation;
            e.CausationId = causation;
            yield return e;
        }
    }

    private static Dictionary<string, Type> Aliases(IDocumentStore store) =>
        store.Options.Events.AllKnownEventTypes().ToDictionary(e => e.EventTypeName, e => e.EventType, StringComparer.Ordinal);

    private static readonly ConcurrentDictionary<Type, (Type, Func<object, IEvent>)> Types = new();

    private static (Type Type, Func<object, IEvent> Wrap) TypeOf(string dotnetType) => TypeOf(Type.GetType(dotnetType, throwOnError: true)!);

    private static (Type Type, Func<object, IEvent> Wrap) TypeOf(Type eventType) => Types.GetOrAdd(eventType, type =>
    {
        var wrap = typeof(RawEvents).GetMethod(nameof(Wrap), BindingFlags.NonPublic | BindingFlags.Static)!.MakeGenericMethod(type)
            .CreateDelegate<Func<object, IEvent>>();
        return (type, wrap);
    });

    private static IEvent Wrap<T>(object data) where T : notnull => new Event<T>((T)data);
}
