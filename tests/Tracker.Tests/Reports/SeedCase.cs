using JasperFx.Events;
using Tracker.Agreements;
using Tracker.Agreements.Deciding;
using Tracker.Import;
using Tracker.Tests.Support;

namespace Tracker.Tests.Reports;

/// <summary>
/// The shipped seed case (seeds/ua-fr-joint-production.jsonl) folded in memory exactly as the store would hold it:
/// each line read by the importer's reader, decided by the deciders, its events folded into the aggregate. No database.
/// </summary>
public static class SeedCase
{
    public const string AgreementId = "ua-fr-defence-industry";
    public static string File => Path.Combine(TrackerProcess.RepositoryRoot, "seeds", "ua-fr-joint-production.jsonl");

    /// <summary>When the reports are generated: fixed, so the output is the same on every run.</summary>
    public static readonly DateTimeOffset GeneratedAt = new(2025, 7, 1, 9, 0, 0, TimeSpan.Zero);
    public static readonly TimeProvider Clock = new FixedClock(GeneratedAt);

    public static async Task<IReadOnlyList<Agreement>> FoldAsync()
    {
        var streams = new Dictionary<string, List<IEvent>>(StringComparer.Ordinal);
        var recordedAt = GeneratedAt.AddHours(-1);
        var today = DateOnly.FromDateTime(GeneratedAt.UtcDateTime);
        await foreach (var line in ImportReader.ReadAsync(File))
        {
            line.Errors.ShouldBeEmpty($"{line.File}:{line.Line}");
            var command = line.Command!;
            var stream = streams.TryGetValue(command.AgreementId, out var s) ? s : streams[command.AgreementId] = [];
            var accepted = command.Decide(Agreement.Fold(stream), today, Tracker.Registry.ActorDirectory.BuiltIn).ShouldBeOfType<Accepted>();
            foreach (var data in accepted.Events)
            {
                var e = (IEvent)Activator.CreateInstance(typeof(Event<>).MakeGenericType(data.GetType()), data)!;
                e.Version = stream.Count + 1;
                e.Timestamp = recordedAt = recordedAt.AddMinutes(1);
                e.UserName = "seed";
                stream.Add(e);
            }
        }
        return streams.Values.Select(Agreement.Fold).OfType<Agreement>().OrderBy(a => a.Id, StringComparer.Ordinal).ToList();
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
