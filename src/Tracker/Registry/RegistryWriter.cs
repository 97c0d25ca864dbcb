using Marten;
using Npgsql;
using Tracker.Agreements.Deciding;
using Tracker.Agreements.Storage;
using Tracker.Kernel;
using Tracker.Registry.Actors;
using Tracker.Registry.People;
using SessionOptions = Marten.Services.SessionOptions;

namespace Tracker.Registry;

/// <summary>
/// Registry writes take one turn for the whole registry (they are rare, and an alias must be free across all actors
/// at the moment it is taken), load the entry they change and what their decision names, and append what it decides.
/// </summary>
public sealed class RegistryWriter(IDocumentStore store, NpgsqlDataSource dataSource)
{
    public const string Turn = "@registry";

    public Task<WriteResult> ExecuteAsync(IActorCommand command, Author author, CancellationToken ct = default) =>
        InTurnAsync(author, (session, tx, c) => DecideAsync(session, tx, command, c), ct);

    public Task<WriteResult> ExecuteAsync(IPersonCommand command, Author author, CancellationToken ct = default) =>
        InTurnAsync(author, (session, tx, c) => DecideAsync(session, tx, command, c), ct);

    /// <summary>
    /// Runs a registry command inside another writer's transaction (an import), with the registry's turn, which the
    /// transaction then holds to its end (<paramref name="turnHeld"/>: taken by an earlier line already).
    /// </summary>
    public static async Task<WriteResult> ExecuteInAsync(IDocumentSession session, NpgsqlTransaction tx, object command,
        bool turnHeld, CancellationToken ct)
    {
        if (!turnHeld) await Turns.TakeAsync(tx.Connection!, tx, Turn, ct);
        return command switch
        {
            IActorCommand a => await DecideAsync(session, tx, a, ct),
            IPersonCommand p => await DecideAsync(session, tx, p, ct),
            _ => throw new ArgumentException($"not a registry command: {command.GetType().Name}"),
        };
    }

    private async Task<WriteResult> InTurnAsync(Author author,
        Func<IDocumentSession, NpgsqlTransaction, CancellationToken, Task<WriteResult>> decide, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await Turns.TakeAsync(connection, transaction, Turn, ct);
        await using var session = store.LightweightSession(SessionOptions.ForTransaction(transaction));
        session.LastModifiedBy = author.UserName;
        session.CorrelationId = author.CorrelationId;
        var result = await decide(session, transaction, ct);
        if (!result.Appended) return result;
        await session.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return result;
    }

    private static async Task<WriteResult> DecideAsync(IDocumentSession session, NpgsqlTransaction tx, IActorCommand command,
        CancellationToken ct)
    {
        var check = new Checks();
        if (!RegisterActor.ActorCode(check, "actorId", command.ActorId)) return new WriteResult(Outcome.Invalid(check.Errors), 0);
        var stream = await session.Events.FetchForWriting<ActorRecord>(ActorStreams.KeyOf(command.ActorId), ct);
        var lookup = await RegistryReads.LookupAsync(tx, command.AliasesNamed, command.ActorsNamed, ct);
        var actor = stream.Aggregate;
        var builtin = actor is null ? BuiltinActors.Find(command.ActorId) : null;
        var current = stream.CurrentVersion ?? 0;
        var outcome = command.Decide(actor, builtin, lookup);
        if (outcome is not Accepted accepted) return new WriteResult(outcome, current);
        // A built-in actor's first change takes it into the registry: its stream starts with the entry as it was.
        List<object> events = builtin is null
            ? [.. accepted.Events]
            : [new ActorRegistered(builtin.Id, builtin.Kind, builtin.Name, builtin.Country, builtin.ValidFrom, builtin.ValidTo,
                builtin.Notes, builtin.EventCode, builtin.AliasList, FromBuiltinList: true), .. accepted.Events];
        if (actor is null && builtin is null && events[0] is not ActorRegistered) return new WriteResult(ActorChanges.Unknown(command.ActorId), 0);
        stream.AppendMany(events);
        return new WriteResult(outcome, current + events.Count);
    }

    private static async Task<WriteResult> DecideAsync(IDocumentSession session, NpgsqlTransaction tx, IPersonCommand command,
        CancellationToken ct)
    {
        var check = new Checks();
        if (!check.Slug("personId", command.PersonId)) return new WriteResult(Outcome.Invalid(check.Errors), 0);
        var stream = await session.Events.FetchForWriting<PersonRecord>(PersonStreams.KeyOf(command.PersonId), ct);
        var lookup = await RegistryReads.LookupAsync(tx, [], command.ActorsNamed, ct);
        var owners = await RegistryReads.PersonKeyOwnersAsync(tx, command.NamesClaimed, ct);
        var current = stream.CurrentVersion ?? 0;
        var outcome = command.Decide(stream.Aggregate, lookup, owners);
        if (outcome is not Accepted accepted) return new WriteResult(outcome, current);
        stream.AppendMany([.. accepted.Events]);
        return new WriteResult(outcome, current + accepted.Events.Count);
    }
}
