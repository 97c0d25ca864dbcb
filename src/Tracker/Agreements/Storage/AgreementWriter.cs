using JasperFx;
using Marten;
using Tracker.Agreements.Deciding;

namespace Tracker.Agreements.Storage;

/// <summary>Who is writing, and under which correlation id: stamped on every event appended.</summary>
public sealed record Author(string UserName, string? CorrelationId = null);

/// <summary>
/// The outcome of a command against the store. <see cref="Version"/> is the agreement's version after the append,
/// or, for an idempotent repeat, the version at which the original was recorded.
/// <see cref="StaleVersion"/> is set when the client's expected version was out of date (nothing appended).
/// </summary>
public sealed record WriteResult(Outcome Outcome, long Version, long? StaleVersion = null)
{
    public bool Appended => Outcome is Accepted && StaleVersion is null;
}

/// <summary>
/// Runs a pure decider against the agreement's current state and appends what it decides. Without an expected
/// version, writers to one agreement are serialised and a race that still slips through (two opening the same new
/// agreement) is retried on fresh state: two analysts recording at once both succeed; nothing is lost or
/// overwritten. With one, a stale client gets a conflict.
/// </summary>
public sealed class AgreementWriter(IDocumentStore store, TimeProvider clock)
{
    private const int MaxAttempts = 10;

    public async Task<WriteResult> ExecuteAsync(IAgreementCommand command, Author author, CancellationToken ct = default)
    {
        for (var attempt = 1; ; attempt++)
        {
            await using var session = store.LightweightSession();
            session.LastModifiedBy = author.UserName;
            session.CorrelationId = author.CorrelationId;
            try
            {
                // Without an expected version, writers to one agreement take turns on its stream row (held until
                // commit), so a busy agreement queues its writers instead of failing them. A client that names the
                // version it saw wants to hear that it is stale, so it gets the optimistic check instead.
                var stream = command.ExpectedVersion is { } expected
                    ? await session.Events.FetchForWriting<AgreementHeader>(command.AgreementId, expected, ct)
                    : await session.Events.FetchForExclusiveWriting<AgreementHeader>(command.AgreementId, ct);
                var state = await session.ForDecidingAsync(stream.Aggregate, StatementIdOf(command), ct);
                var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
                var outcome = Decider.Decide(command, state, today);
                if (outcome is not Accepted accepted) return new WriteResult(outcome, stream.CurrentVersion ?? 0);

                stream.AppendMany([.. accepted.Events]);
                await session.SaveChangesAsync(ct);
                return new WriteResult(outcome, (stream.StartingVersion ?? 0) + accepted.Events.Count);
            }
            catch (ConcurrencyException) when (command.ExpectedVersion is null && attempt < MaxAttempts)
            {
                // Someone appended between our read and our write (possible only while the stream is new): decide
                // again on the new state.
                await Task.Delay(Random.Shared.Next(1, 10 * attempt), ct);
            }
            catch (ConcurrencyException) when (command.ExpectedVersion is not null)
            {
                await using var query = store.QuerySession();
                var state = await query.Events.FetchStreamStateAsync(command.AgreementId, ct);
                return new WriteResult(Outcome.Conflict("expectedVersion",
                        $"agreement '{command.AgreementId}' is at version {state?.Version ?? 0}, not {command.ExpectedVersion}; reload and retry"),
                    state?.Version ?? 0, StaleVersion: command.ExpectedVersion);
            }
        }
    }

    /// <summary>The statement a command is about, if it is about one.</summary>
    public static Guid? StatementIdOf(IAgreementCommand command) => command switch
    {
        RecordStatement r => r.StatementId,
        CorrectStatement c => c.StatementId,
        RetractStatement r => r.StatementId,
        _ => null,
    };
}
