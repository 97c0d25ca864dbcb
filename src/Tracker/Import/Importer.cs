using JasperFx.Events;
using Marten;
using SessionOptions = Marten.Services.SessionOptions;
using Npgsql;
using Tracker.Agreements;
using Tracker.Agreements.Deciding;
using Tracker.Agreements.Storage;
using Tracker.Kernel;

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
/// Imports commands in one pass and one transaction: each batch of lines loads the headers and statements it
/// names (seeing earlier batches, which are written but not yet committed), runs every line through its slice's
/// own decision, and appends what they decide. Any invalid line, a crash or a kill at any point, and the
/// transaction never commits: nothing is imported. Memory is one batch (and what the inline projections read for
/// it), however long the file; each batch costs the same few queries whatever the order of its lines. Every command is idempotent, so a re-import appends nothing.
/// A dry run decides every line the same way but appends nothing: later batches see what earlier ones would have
/// written in <see cref="WouldBeWritten"/>.
/// </summary>
public sealed class Importer(IDocumentStore store, NpgsqlDataSource dataSource, TimeProvider clock)
{
    public const int BatchSize = 5000;
    /// <summary>The event header naming the administrator whose import recorded an event as another user's (<c>--as-recorded</c>).</summary>
    public const string ImportedByHeader = "importedBy";
    private const int MaxErrors = 1000;

    /// <param name="preApproved">An administrator's import: where review is required, what its lines propose is approved
    /// at once, recorded as pre-approved (<see cref="ReviewStatement.PreApproved"/>). The caller checks the role.</param>
    /// <param name="asRecorded">An administrator's import of an export: a line naming who recorded it
    /// (<see cref="ImportReader.RecordedBy"/>, on proposals and review decisions) is decided and recorded as that user's,
    /// so a proposal and its approval keep their two people, and an approval by its own proposer is refused as it is
    /// anywhere. Without it every line is the importing user's. The caller checks the role.</param>
    public async Task<ImportResult> ImportAsync(IReadOnlyList<string> files, Author author, IProgress<int>? progress = null,
        bool dryRun = false, CancellationToken ct = default, bool preApproved = false, bool asRecorded = false)
    {
        var today = Today.Anywhere(clock);
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        // A dry run appends nothing for agreement lines (nearly all of a file), and so takes no event sequence numbers
        // for them: numbers taken and never committed are a gap the async daemon waits on. See ApplyRegistryAsync
        // for the registry's lines.
        var run = new Run(today, author, dryRun ? new WouldBeWritten() : null) { PreApproved = preApproved, AsRecorded = asRecorded };
        var batch = new List<ImportLine>(BatchSize);
        try
        {
            foreach (var file in files)
            {
                await foreach (var line in ImportReader.ReadAsync(file, ct))
                {
                    run.Lines++;
                    if (line.RegistryCommand is { } registry)
                    {
                        // The lines before it are decided first, and the lines after it see it.
                        await FlushAsync(transaction, batch, run, progress, ct);
                        await ApplyRegistryAsync(transaction, line, registry, run, ct);
                    }
                    else if (line.Command is null) run.Fail(line, line.Errors);
                    else batch.Add(line);
                    if (batch.Count == BatchSize) await FlushAsync(transaction, batch, run, progress, ct);
                    if (run.Errors.Count >= MaxErrors) break;
                }
                if (run.Errors.Count >= MaxErrors) break;
            }
            await FlushAsync(transaction, batch, run, progress, ct);
        }
        catch (Exception e) when (AgreementWriter.IsLostRace(e))
        {
            throw new ImportConflictException();
        }

        if (run.Errors.Count == 0 && !dryRun)
        {
            await transaction.CommitAsync(ct);
            // A large import changes what the planner should expect of the portfolio tables before autovacuum
            // notices, and leaves their pages not yet marked all-visible: vacuumed, the reads right after it get
            // plans for the store as it now is, and the past clocks' totals are index-only scans again.
            if (run.Appended >= BatchSize) await VacuumAsync(connection, ct);
        }
        // Otherwise the transaction is rolled back as it is disposed: nothing of this import remains.
        return new ImportResult(run.Lines, run.Appended, run.Present, run.Errors);
    }

    private static async Task VacuumAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        // Outside any transaction (VACUUM refuses one), and as long as it takes: it is the import's last step. Index
        // cleanup is left to the server's own judgement (it skips it when few pages hold dead rows): the pages whose
        // dead rows it removes are the ones the reads right after need marked all-visible.
        await using var vacuum = new NpgsqlCommand("vacuum (analyze) " + string.Join(", ", Portfolio.PortfolioRows.Tables), connection)
            { CommandTimeout = 0 };
        await vacuum.ExecuteNonQueryAsync(ct);
    }

    private sealed class Run(DateOnly today, Author author, WouldBeWritten? dryRun)
    {
        public DateOnly Today { get; } = today;
        public Author Author { get; } = author;
        /// <summary>Set for a dry run: what its earlier batches would have written.</summary>
        public WouldBeWritten? DryRun { get; } = dryRun;
        public int Lines, Appended, Present;
        public bool RegistryTurnHeld;
        public bool PreApproved { get; init; }
        public bool AsRecorded { get; init; }

        /// <summary>Who the line is decided and recorded as.</summary>
        public string AuthorOf(ImportLine line) => AsRecorded && line.RecordedBy is { } by ? by : Author.UserName;
        public List<ImportError> Errors { get; } = [];

        public void Fail(ImportLine line, IEnumerable<FieldError> errors) =>
            Errors.AddRange(errors.Select(e => new ImportError(line.File, line.Line, line.Name(e.Field), e.Reason)));
    }

    /// <summary>
    /// Applies a registry line at once, in the import's transaction, so the lines after it resolve its codes and names.
    /// A dry run applies it too, and rolls it back with the rest: the registry's tables are kept only by its own
    /// appends, so these lines are the one kind a dry run takes event sequence numbers for (one per registry event).
    /// </summary>
    private async Task ApplyRegistryAsync(NpgsqlTransaction transaction, ImportLine line, object command, Run run, CancellationToken ct)
    {
        await using var session = Session(transaction, run);
        var result = await Registry.RegistryWriter.ExecuteInAsync(session, transaction, command, run.RegistryTurnHeld, ct);
        run.RegistryTurnHeld = true;
        switch (result.Outcome)
        {
            case Accepted accepted:
                await session.SaveChangesAsync(ct);
                run.Appended += accepted.Events.Count;
                break;
            case AlreadyDone:
                run.Present++;
                break;
            case Rejected rejected:
                run.Fail(line, rejected.Errors);
                break;
        }
    }

    /// <summary>Events appended per Marten session (see FlushAsync).</summary>
    private const int EventsPerSession = 500;

    private IDocumentSession Session(NpgsqlTransaction transaction, Run run)
    {
        var session = store.LightweightSession(SessionOptions.ForTransaction(transaction));
        session.LastModifiedBy = run.Author.UserName;
        session.CorrelationId = run.Author.CorrelationId;
        return session;
    }

    private async Task FlushAsync(NpgsqlTransaction transaction, List<ImportLine> batch, Run run, IProgress<int>? progress,
        CancellationToken ct)
    {
        if (batch.Count == 0) return;
        await using var session = Session(transaction, run);

        var agreementIds = batch.Select(l => l.Command!.AgreementId).Distinct(StringComparer.Ordinal).ToArray();
        var statementKeys = batch.Where(l => l.Command!.TouchedStatementId is not null)
            .Select(l => StatementEntry.KeyOf(l.Command!.AgreementId, l.Command.TouchedStatementId!.Value))
            .Distinct(StringComparer.Ordinal).ToArray();
        var query = session.CreateBatchQuery();
        var headersLoading = query.LoadMany<AgreementHeader>().ById(agreementIds);
        var statementsLoading = query.LoadMany<StatementEntry>().ById(statementKeys);
        var proposalsLoading = query.LoadMany<StatementProposal>().ById(statementKeys);
        await query.Execute(ct);
        var proposals = (await proposalsLoading).ToLookup(p => p.AgreementId, StringComparer.Ordinal);
        IReadOnlyList<AgreementHeader> headers = await headersLoading;
        IReadOnlyList<StatementEntry> stored = await statementsLoading;
        if (run.DryRun is { } written)
            (headers, stored) = (written.Headers(agreementIds, headers), written.Statements(statementKeys, stored));
        var statements = stored.ToLookup(s => s.AgreementId, StringComparer.Ordinal);
        var states = headers.ToDictionary(h => h.Id,
            h => (Start: h.Version, State: (Agreement?)Agreement.Assemble(h, statements[h.Id], proposals[h.Id])), StringComparer.Ordinal);

        // The batch's actor codes and people, resolved in the registry at once (registry lines earlier in the file included).
        var actors = await Registry.RegistryReads.DirectoryAsync(transaction.Connection!, transaction,
            batch.SelectMany(l => l.Command!.ActorCodes), batch.SelectMany(l => l.Command!.PersonIds), null, ct);
        actors = await Agreements.CitedDocuments.WithCitedAsync(actors, transaction.Connection!, transaction, batch.Select(l => l.Command!), ct);
        var pending = new Dictionary<string, List<object>>(StringComparer.Ordinal);
        foreach (var line in batch)
        {
            var by = run.AuthorOf(line);
            var command = IAuthoredCommand.Stamp(line.Command!, by);
            if (run.AsRecorded && command is ReviewStatement review) command = review with { AsRecordedByAnAdministrator = true };
            var (start, state) = states.TryGetValue(command.AgreementId, out var known) ? known : (0L, (Agreement?)null);
            switch (command.Decide(state, run.Today, actors))
            {
                case Accepted decided:
                    var accepted = run.PreApproved ? new Accepted(ReviewStatement.PreApproved(decided.Events)) : decided;
                    states[command.AgreementId] = (start, Agreement.Simulate(state, accepted.Events, by));
                    if (!pending.TryGetValue(command.AgreementId, out var events)) pending[command.AgreementId] = events = [];
                    // Another author than the session's: each event carries its own (Marten keeps a name set on the event),
                    // and the administrator whose import wrote it in a header, chained with it: a name taken from a file
                    // stays a claim the record says who made.
                    events.AddRange(by == run.Author.UserName ? accepted.Events : accepted.Events.Select(data =>
                    {
                        var e = session.Events.BuildEvent(data);
                        e.UserName = by;
                        e.SetHeader(ImportedByHeader, run.Author.UserName);
                        return (object)e;
                    }));
                    run.Appended += accepted.Events.Count;
                    break;
                case AlreadyDone:
                    run.Present++;
                    break;
                case Rejected { Kind: RejectionKind.Forbidden } own when line.RecordedBy is { } recorded && !run.AsRecorded:
                    run.Fail(line, own.Errors.Select(e => e with
                    {
                        Reason = $"{e.Reason} (the file says '{recorded}' recorded this line: an administrator imports an export with " +
                                 "its proposers and reviewers as recorded, 'import --as-recorded --user ADMIN')",
                    }));
                    break;
                case Rejected rejected:
                    run.Fail(line, rejected.Errors);
                    break;
            }
        }

        if (run.DryRun is { } dryRun)
        {
            foreach (var agreementId in pending.Keys) dryRun.Keep(states[agreementId].State!);
        }
        else
        {
            // Appended a few hundred events per session, not the batch's thousands in one: Marten's unit of work looks
            // through every operation it holds as each document is stored (a cost that grows with the square of a
            // session's operations: a quarter of the importer's CPU in 5,000-line sessions). Each session is the same
            // transaction, and sees what the ones before it wrote.
            // An agreement's events of one batch stay in one session: they share a record time, as before.
            var writing = session;
            try
            {
                var inSession = 0;
                foreach (var (agreementId, events) in pending)
                {
                    if (inSession >= EventsPerSession)
                    {
                        await writing.SaveChangesAsync(ct);
                        if (!ReferenceEquals(writing, session)) await writing.DisposeAsync();
                        writing = Session(transaction, run);
                        inSession = 0;
                    }
                    var start = states[agreementId].Start;
                    // The version the stream must reach: a writer that slipped in since we read it makes the import fail whole.
                    if (start == 0) writing.Events.StartStream<AgreementHeader>(agreementId, events);
                    else writing.Events.Append(agreementId, start + events.Count, events);
                    inSession += events.Count;
                }
                await writing.SaveChangesAsync(ct);
            }
            finally
            {
                if (!ReferenceEquals(writing, session)) await writing.DisposeAsync();
            }
        }
        progress?.Report(run.Lines);
        batch.Clear();
    }
}

public sealed class ImportConflictException()
    : Exception("Another writer changed an agreement of this import while it ran: nothing was imported; run the import again.");
