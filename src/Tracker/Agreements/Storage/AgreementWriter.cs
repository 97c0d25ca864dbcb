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
                if (stream.Aggregate is null && stream.StartingVersion > 0)
                    throw new InvalidOperationException(
                        $"agreement '{command.AgreementId}' has events but no stored header; its documents are being rebuilt");
                var state = await session.ForDecidingAsync(stream.Aggregate, StatementIdOf(command), ct);
                var outcome = Decider.Decide(command, state, Today.Anywhere(clock));
                if (outcome is not Accepted accepted) return new WriteResult(outcome, stream.CurrentVersion ?? 0);

                stream.AppendMany([.. accepted.Events]);
                await session.SaveChangesAsync(ct);
                return new WriteResult(outcome, (stream.StartingVersion ?? 0) + accepted.Events.Count);
            }
            catch (Exception e) when (e is ConcurrencyException or Marten.Exceptions.ExistingStreamIdCollisionException
                                      && command.ExpectedVersion is null && attempt < MaxAttempts)
            {
                // Someone appended between our read and our write, which the row lock leaves possible only while
                // the stream is new (two opening one agreement at once): decide again on the new state.
                await Task.Delay(Random.Shared.Next(1, 10 * attempt), ct);
            }
            catch (ConcurrencyException) when (command.ExpectedVersion is not null)
            {
                return await StaleAsync(command, ct);
            }
        }
    }

    /// <summary>
    /// The client's version is out of date. If what it asks for is already done (a retry of its own write that
    /// went through), that is the answer; otherwise it is a conflict naming the current version.
    /// </summary>
    private async Task<WriteResult> StaleAsync(IAgreementCommand command, CancellationToken ct)
    {
        await using var query = store.QuerySession();
        var header = await query.LoadAsync<AgreementHeader>(command.AgreementId, ct);
        var current = header?.Version ?? (await query.Events.FetchStreamStateAsync(command.AgreementId, ct))?.Version ?? 0;
        var state = await query.ForDecidingAsync(header, StatementIdOf(command), ct);
        if (Decider.Decide(command, state, Today.Anywhere(clock)) is AlreadyDone done) return new WriteResult(done, done.Version);
        return new WriteResult(Outcome.Conflict("expectedVersion",
                $"agreement '{command.AgreementId}' is at version {current}, not {command.ExpectedVersion}; reload and retry"),
            current, StaleVersion: command.ExpectedVersion);
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
