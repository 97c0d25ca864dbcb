using System.Text.Json;
using JasperFx;
using JasperFx.Events;
using Marten;
using Tracker.Agreements;
using Tracker.Agreements.Deciding;
using Tracker.Agreements.Storage;

namespace Tracker.Import;

public sealed record ImportError(string File, int Line, string Field, string Reason)
{
    public override string ToString() => $"{File}:{Line}:{Field}: {Reason}";
}

public sealed record ImportResult(int Lines, int Appended, int AlreadyPresent, IReadOnlyList<ImportError> Errors)
{
    public bool Succeeded => Errors.Count == 0;
}

/// <summary>
/// Imports commands in two passes over the files. The first decides every line against the state it would meet
/// (the store's, plus what earlier lines add) without writing; any error and nothing is written. The second
/// appends in batches, one transaction per batch. Every command is idempotent, so a re-import appends nothing.
/// </summary>
public sealed class Importer(IDocumentStore store, TimeProvider clock)
{
    public const int BatchSize = 500;
    private const int MaxErrors = 1000;

    public async Task<ImportResult> ImportAsync(IReadOnlyList<string> files, Author author, IProgress<int>? progress = null,
        bool dryRun = false, CancellationToken ct = default)
    {
        var today = Today.Anywhere(clock);
        var validation = await ValidateAsync(files, today, progress, ct);
        if (!validation.Succeeded || dryRun) return validation;
        return await AppendAsync(files, author, today, progress, ct);
    }

    private async Task<ImportResult> ValidateAsync(IReadOnlyList<string> files, DateOnly today, IProgress<int>? progress,
        CancellationToken ct)
    {
        var states = new Dictionary<string, Agreement?>(StringComparer.Ordinal);
        var errors = new List<ImportError>();
        int lines = 0, appended = 0, present = 0;
        await using var session = store.QuerySession();
        foreach (var file in files)
        {
            await foreach (var line in ImportReader.ReadAsync(file, ct))
            {
                lines++;
                if (lines % 1000 == 0) progress?.Report(lines);
                if (errors.Count >= MaxErrors) break;
                if (line.Command is not { } command)
                {
                    errors.AddRange(line.Errors.Select(e => new ImportError(line.File, line.Line, e.Field, e.Reason)));
                    continue;
                }
                if (!states.TryGetValue(command.AgreementId, out var state))
                    states[command.AgreementId] = state = await session.LoadAsync(command.AgreementId, knownAt: null, ct);

                switch (Decider.Decide(command, state, today))
                {
                    case Accepted accepted:
                        states[command.AgreementId] = Simulate(state, accepted.Events);
                        appended += accepted.Events.Count;
                        break;
                    case AlreadyDone:
                        present++;
                        break;
                    case Rejected rejected:
                        errors.AddRange(rejected.Errors.Select(e => new ImportError(line.File, line.Line, e.Field, e.Reason)));
                        break;
                }
            }
        }
        return new ImportResult(lines, appended, present, errors);
    }

    private async Task<ImportResult> AppendAsync(IReadOnlyList<string> files, Author author, DateOnly today,
        IProgress<int>? progress, CancellationToken ct)
    {
        int lines = 0, appended = 0, present = 0;
        var batch = new List<ImportLine>(BatchSize);
        foreach (var file in files)
        {
            await foreach (var line in ImportReader.ReadAsync(file, ct))
            {
                batch.Add(line);
                if (batch.Count < BatchSize) continue;
                var (a, p) = await AppendBatchAsync(batch, author, today, ct);
                (appended, present, lines) = (appended + a, present + p, lines + batch.Count);
                progress?.Report(lines);
                batch.Clear();
            }
        }
        if (batch.Count > 0)
        {
            var (a, p) = await AppendBatchAsync(batch, author, today, ct);
            (appended, present, lines) = (appended + a, present + p, lines + batch.Count);
        }
        return new ImportResult(lines, appended, present, []);
    }

    /// <summary>One transaction. A concurrent writer on one of its agreements makes it start over on fresh state.</summary>
    private async Task<(int Appended, int Present)> AppendBatchAsync(List<ImportLine> batch, Author author, DateOnly today,
        CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            await using var session = store.LightweightSession();
            session.LastModifiedBy = author.UserName;
            session.CorrelationId = author.CorrelationId;
            var streams = new Dictionary<string, (IEventStream<AgreementHeader> Stream, Agreement? State)>(StringComparer.Ordinal);
            int appended = 0, present = 0;
            try
            {
                foreach (var line in batch)
                {
                    var command = line.Command!;
                    if (!streams.TryGetValue(command.AgreementId, out var entry))
                    {
                        var stream = await session.Events.FetchForWriting<AgreementHeader>(command.AgreementId, ct);
                        // The whole agreement to decide on, loaded apart from the header the session will update.
                        entry = (stream, await session.LoadAsync(command.AgreementId, knownAt: null, ct));
                    }
                    switch (Decider.Decide(command, entry.State, today))
                    {
                        case Accepted accepted:
                            entry.Stream.AppendMany([.. accepted.Events]);
                            entry = (entry.Stream, Simulate(entry.State, accepted.Events));
                            appended += accepted.Events.Count;
                            break;
                        case AlreadyDone:
                            present++;
                            break;
                        case Rejected rejected:
                            // Validation passed, so the store changed under us (another writer): stop, keep nothing of this batch.
                            throw new ImportConflictException(string.Join("; ", rejected.Errors.Select(e =>
                                new ImportError(line.File, line.Line, e.Field, e.Reason).ToString())));
                    }
                    streams[command.AgreementId] = entry;
                }
                await session.SaveChangesAsync(ct);
                return (appended, present);
            }
            catch (Exception e) when (e is ConcurrencyException or Marten.Exceptions.ExistingStreamIdCollisionException && attempt < 5)
            {
                await Task.Delay(50 * attempt, ct);
            }
        }
    }

    /// <summary>What the agreement will look like once these events are stored (record metadata aside).</summary>
    private static Agreement Simulate(Agreement? state, IReadOnlyList<object> events)
    {
        var version = state?.Version ?? 0;
        IEnumerable<IEvent> Wrapped() => events.Select(data =>
        {
            var e = (IEvent)Activator.CreateInstance(typeof(Event<>).MakeGenericType(data.GetType()), data)!;
            e.Version = ++version;
            return e;
        });
        if (state is null) return Agreement.Fold(Wrapped())!;
        foreach (var e in Wrapped()) state.Evolve(e);
        return state;
    }
}

public sealed class ImportConflictException(string message)
    : Exception("The store changed while importing (another writer?): " + message + ". Nothing of the failing batch was written; run the import again.");
