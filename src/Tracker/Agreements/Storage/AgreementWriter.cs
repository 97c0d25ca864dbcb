using JasperFx;
using Marten;
using SessionOptions = Marten.Services.SessionOptions;
using Npgsql;
using Tracker.Agreements.Deciding;
using Tracker.Kernel;

namespace Tracker.Agreements.Storage;


/// <summary>
/// The outcome of a command against the store. <see cref="Version"/> is the agreement's version after the append,
/// or, for an idempotent repeat, the version at which the original was recorded.
/// <see cref="StaleVersion"/> is set when the client's expected version was out of date (nothing appended).
/// </summary>
public sealed record WriteResult(Outcome Outcome, long Version, long? StaleVersion = null)
{
    public bool Appended => Outcome is Accepted && StaleVersion is null;

    /// <summary>What the write did with what it was given, worth telling the writer (an alias stored as its actor's code).</summary>
    public IReadOnlyList<string> Notices { get; init; } = [];

    /// <summary>The notices for an answer's body: absent when there are none.</summary>
    public IReadOnlyList<string>? NoticesIfAny => Notices.Count == 0 ? null : Notices;
}

/// <summary>
/// The write policy every slice goes through: one transaction that takes the agreement's turn, loads what the
/// command's own decision needs, and appends what it decides. Races are decided here, before the database sees an
/// append, so a lost race never becomes a failed append (and never leaves a tombstone event behind).
/// </summary>
public sealed class AgreementWriter(IDocumentStore store, NpgsqlDataSource dataSource, TimeProvider clock,
    IEnumerable<IReadAhead> readAheads)
{
    private readonly IReadOnlyList<IReadAhead> readAheads = [.. readAheads];

    private const int MaxAttempts = 5;

    public async Task<WriteResult> ExecuteAsync(IAgreementCommand command, Author author, CancellationToken ct = default)
    {
        // Nothing is loaded for a command that names no agreement: the answer does not depend on the store.
        var ids = new Checks();
        if (!ids.Slug("agreementId", command.AgreementId)) return new WriteResult(Outcome.Invalid(ids.Errors), 0);
        command = IAuthoredCommand.Stamp(command, author.UserName);

        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await AttemptAsync(command, author, ct);
            }
            catch (Exception e) when ((IsLostRace(e) || IsDeadlockVictim(e)) && attempt < MaxAttempts)
            {
                // A writer that bypasses the agreement's turn (an import) moved the stream, or a deadlock chose this
                // write: decide again on what the store now holds.
                await Task.Delay(Random.Shared.Next(1, 10 * attempt), ct);
            }
        }
    }

    /// <summary>
    /// What <see cref="ExecuteAsync"/> would decide on the agreement and actors as given, appending nothing: a preview
    /// judges dates by the same "today" as the write it previews.
    /// </summary>
    public Outcome Decide(IAgreementCommand command, Agreement? agreement, Registry.ActorDirectory actors) =>
        command.Decide(agreement, Today.Anywhere(clock), actors);

    private async Task<WriteResult> AttemptAsync(IAgreementCommand command, Author author, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        // The agreement's turn, and the registry as it stands once the turn is ours (a code is resolved against the
        // registry at this write): one round trip, taken before the agreement is read.
        var actors = await Registry.RegistryReads.DirectoryAsync(connection, transaction, command.ActorCodes, command.PersonIds,
            null, ct, first: Turns.Command(command.AgreementId));
        actors = await CitedDocuments.WithCitedAsync(actors, connection, transaction, [command], ct);

        await using var session = store.LightweightSession(SessionOptions.ForTransaction(transaction));
        session.LastModifiedBy = author.UserName;
        session.CorrelationId = author.CorrelationId;

        var batch = session.CreateBatchQuery();
        var fetching = batch.Events.FetchForWriting<AgreementHeader>(command.AgreementId);
        var touched = command.TouchedStatementId is { } sid
            ? batch.Load<StatementEntry>(StatementEntry.KeyOf(command.AgreementId, sid))
            : Task.FromResult<StatementEntry?>(null);
        var proposed = command.TouchedStatementId is { } pid
            ? batch.Load<StatementProposal>(StatementEntry.KeyOf(command.AgreementId, pid))
            : Task.FromResult<StatementProposal?>(null);
        // What the inline projections will read for this command comes in the same round trip (see ReadAhead).
        var ahead = ReadAhead.Queue(readAheads, command, batch);
        await batch.Execute(ct);
        await ahead.GatherAsync();
        if (command.TouchedStatementId is { } known) ahead.Know(StatementEntry.KeyOf(command.AgreementId, known), await touched);
        var stream = await fetching;
        var header = stream.Aggregate;
        var current = stream.CurrentVersion ?? 0;
        if (header is null && current > 0)
            throw new InvalidOperationException($"agreement '{command.AgreementId}' has events but no stored header");

        var state = header is null ? null : Agreement.Assemble(header, await touched is { } s ? [s] : [],
            await proposed is { } p ? [p] : []);
        if (command.ExpectedVersion is { } expected && expected != current)
        {
            // A stale client: if what it asks for is already done (a retry of its own write that went through),
            // that is the answer; otherwise a conflict naming the current version. Nothing is appended either way.
            if (Decide(command, state, actors) is AlreadyDone done) return new WriteResult(done, done.Version);
            return new WriteResult(Outcome.Conflict("expectedVersion",
                    $"agreement '{command.AgreementId}' is at version {current}, not {expected}; reload and retry"),
                current, StaleVersion: expected);
        }

        var outcome = Decide(command, state, actors);
        var notices = NoticesFor(command, actors);
        if (outcome is not Accepted accepted) return new WriteResult(outcome, current) { Notices = notices };

        stream.AppendMany([.. accepted.Events]);
        using (ahead.Offer()) await session.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return new WriteResult(outcome, current + accepted.Events.Count) { Notices = notices };
    }

    public static IReadOnlyList<string> NoticesFor(IAgreementCommand command, Registry.ActorDirectory actors) =>
        command.ActorCodes.Distinct().Select(actors.Resolve).Select(r => r.Notice).OfType<string>().ToList();

    internal static bool IsLostRace(Exception e) =>
        e is ConcurrencyException or Marten.Exceptions.ExistingStreamIdCollisionException
            or JasperFx.Events.EventStreamUnexpectedMaxEventIdException;

    /// <summary>
    /// PostgreSQL chose this write's transaction as a deadlock's victim and rolled it back whole, so deciding it again
    /// is safe: a blue/green portfolio switch locks the projection's tables while a write that has read one of them waits
    /// for another, and on a starved machine the writer's deadlock check can run before the switch's.
    /// </summary>
    private static bool IsDeadlockVictim(Exception? e)
    {
        // Marten runs the save's statements as one batch and reports the batch's last failure: the deadlock (logged) is
        // followed by "current transaction is aborted" for the statements after it. Either way nothing of the write
        // remains; a failure that is not a race fails the same way on every attempt and is reported after the last.
        for (; e is not null; e = e.InnerException)
            if (e is Npgsql.PostgresException { SqlState: Npgsql.PostgresErrorCodes.DeadlockDetected or Npgsql.PostgresErrorCodes.InFailedSqlTransaction })
                return true;
        return false;
    }
}

/// <summary>
/// Writers to one agreement take turns: a transaction-scoped advisory lock keyed by the agreement id, taken before
/// its state is read and held until commit. It exists before the agreement's first event (a row lock would not),
/// so two analysts opening one new agreement also queue instead of racing. Other keys (never slugs, such as
/// <see cref="Users"/>) give other shared state its own turn.
/// </summary>
public static class Turns
{
    public const string Users = "@users";

    /// <summary>"trak": the lock class, apart from the single-key locks Marten and the migrations take.</summary>
    private const int LockClass = 0x7472_616b;

    public static async Task TakeAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string key,
        CancellationToken ct)
    {
        await using var batch = new NpgsqlBatch(connection, transaction) { BatchCommands = { Command(key) } };
        await batch.ExecuteNonQueryAsync(ct);
    }

    /// <summary>The turn as a statement, to send ahead of the reads that need it in one round trip.</summary>
    public static NpgsqlBatchCommand Command(string key) => new("select pg_advisory_xact_lock($1, hashtext($2))")
    {
        Parameters = { new() { Value = LockClass }, new() { Value = key } },
    };
}
