using System.Text.Json;
using JasperFx.Events;
using Marten;
using Marten.Events.Projections;
using Tracker.Agreements;

namespace Tracker.Portfolio;

/// <summary>
/// Keeps the portfolio's read models with every append (inline, in the same transaction), so that PostgreSQL answers
/// every read across agreements with indexes, on both clocks:
/// <list type="bullet">
/// <item><c>portfolio_status</c>: each commitment's status as rows valid over an "as of" range and known over a
/// record-time range. When an event changes a commitment, <see cref="StatusRule"/> is evaluated for that one
/// commitment (<see cref="StatusPieces"/>); rows whose answer changed are closed at the event's record time and their
/// successors opened. "Status as of D, known at T" is then the row whose ranges contain D and T.</item>
/// <item><c>portfolio_transitions</c>: the stage transitions of each commitment's latest status, known over a
/// record-time range (the changes report).</item>
/// <item><c>portfolio_statements</c>: each statement's said-on date and retraction, over record time (counts).</item>
/// <item><c>portfolio_agreements</c>: what never changes once opened (title, parties, tags), for filters and paging.</item>
/// </list>
/// It remembers what it needs in two documents of its own (<see cref="CommitmentFile"/>, <see cref="StatementRoute"/>),
/// so a rebuild from the events needs nothing else.
/// </summary>
public sealed class PortfolioProjection : IProjection
{
    public const string ProjectionName = "Portfolio";

    private readonly FactsCache cache = new();

    public async Task ApplyAsync(IDocumentOperations operations, IReadOnlyList<IEvent> events, CancellationToken ct)
    {
        var page = new Page(cache);
        await page.LoadAsync(operations, events, ct);
        foreach (var e in events) page.Apply(e);
        page.Settle();
        page.Write(operations);
    }

    /// <summary>
    /// The rows whole streams produce, folded by the same code as every append (the blue/green rebuild's fold,
    /// <see cref="PortfolioRebuild"/>): the events of one or more agreements from their first, in order.
    /// </summary>
    public static PortfolioFold Fold(IEnumerable<IEvent> events)
    {
        var page = new Page(NoCache);
        foreach (var e in events) page.Apply(e);
        page.Settle();
        return page.Folded();
    }

    /// <summary>A fold neither loads nor writes, the only steps that use the cache.</summary>
    private static readonly FactsCache NoCache = new();

    private sealed class Page(FactsCache cache)
    {
        private readonly Dictionary<string, CommitmentFile> files = new(StringComparer.Ordinal);
        private readonly Dictionary<string, StatementRoute> routes = new(StringComparer.Ordinal);
        private readonly HashSet<string> changedFiles = new(StringComparer.Ordinal);
        /// <summary>Files changed at an instant and not yet recomputed: the events of one transaction share their
        /// record time, so a commitment is recomputed once per transaction, not once per event.</summary>
        private readonly Dictionary<string, DateTimeOffset> unsettled = new(StringComparer.Ordinal);
        private readonly Dictionary<string, DateOnly> changedFrom = new(StringComparer.Ordinal);
        /// <summary>Files whose <see cref="CommitmentFile.Statements"/> are all in memory (read, cached, or new in this
        /// page); the others are continued (<see cref="StatusRule.Continue"/>) and never evaluated whole.</summary>
        private readonly HashSet<string> complete = new(StringComparer.Ordinal);
        /// <summary>Per file, the statements recorded since it was last recomputed that continue its status.</summary>
        private readonly Dictionary<string, List<StatementFacts>> continuing = new(StringComparer.Ordinal);
        /// <summary>Files changed since they were last recomputed in a way only a whole evaluation answers (a correction,
        /// a retraction, a statement said before one they count).</summary>
        private readonly HashSet<string> whole = new(StringComparer.Ordinal);
        private readonly HashSet<string> changedRoutes = new(StringComparer.Ordinal);
        private readonly List<PortfolioRows.AgreementRow> agreements = [];
        private readonly RowChanges<(string, long, DateTimeOffset, DateOnly), PortfolioRows.StatusRow> status = new();
        private readonly RowChanges<(string, long, DateTimeOffset, int), PortfolioRows.TransitionRow> transitions = new();
        private readonly RowChanges<(string, Guid, DateTimeOffset), PortfolioRows.StatementRow> statements = new();
        private readonly Dictionary<(string, long), PortfolioRows.NowRow> now = new();
        /// <summary>Facts written (or, when null, removed) per commitment file and statement.</summary>
        private readonly Dictionary<(string File, Guid Statement), StatementFacts?> facts = new();
        /// <summary>The change log's rows (<see cref="ChangeLog"/>): each commitment's status before this page
        /// touched it and the last event that did; files added in this page have no before and are not followed.</summary>
        private readonly Dictionary<string, (CommitmentStatus Before, IEvent Cause)> followed = new(StringComparer.Ordinal);
        private readonly HashSet<string> addedInPage = new(StringComparer.Ordinal);
        private readonly Dictionary<string, CommitmentStatus> latestStatus = new(StringComparer.Ordinal);
        private readonly List<ChangeLog.Row> lifecycle = [];
        private IEvent? current;

        /// <summary>Three lookups at most per page: the statements it corrects or retracts, then the commitments touched
        /// and their statements.</summary>
        public async Task LoadAsync(IQuerySession session, IReadOnlyList<IEvent> events, CancellationToken ct)
        {
            var recordedHere = new HashSet<string>(StringComparer.Ordinal);
            // The commitments each statement recorded in this page first spoke of.
            var recorded = new Dictionary<string, string[]>(StringComparer.Ordinal);
            var addedHere = new HashSet<string>(StringComparer.Ordinal);
            var routeKeys = new HashSet<string>(StringComparer.Ordinal);
            foreach (var e in events)
                switch (e.Data)
                {
                    case StatementRecorded r:
                        recordedHere.Add(StatementEntry.KeyOf(r.AgreementId, r.StatementId));
                        recorded[StatementEntry.KeyOf(r.AgreementId, r.StatementId)] =
                            [.. r.Content.Assertions.Select(a => a.CommitmentId).Distinct(StringComparer.Ordinal)];
                        break;
                    case CommitmentAdded c: addedHere.Add(CommitmentFile.KeyOf(c.AgreementId, c.CommitmentId)); break;
                    case StatementCorrected c when !recordedHere.Contains(StatementEntry.KeyOf(c.AgreementId, c.StatementId)):
                        routeKeys.Add(StatementEntry.KeyOf(c.AgreementId, c.StatementId)); break;
                    case StatementRetracted r when !recordedHere.Contains(StatementEntry.KeyOf(r.AgreementId, r.StatementId)):
                        routeKeys.Add(StatementEntry.KeyOf(r.AgreementId, r.StatementId)); break;
                }
            if (routeKeys.Count > 0)
                foreach (var route in await session.LoadManyAsync<StatementRoute>(ct, routeKeys))
                    routes[route.Key] = route;

            // Every commitment any reading in this page speaks of, before or after.
            var fileKeys = new HashSet<string>(StringComparer.Ordinal);
            var wholeKeys = new HashSet<string>(StringComparer.Ordinal);
            void Touch(string agreementId, IEnumerable<string> commitmentIds, bool changesEarlier = false)
            {
                foreach (var id in commitmentIds)
                {
                    var key = CommitmentFile.KeyOf(agreementId, id);
                    if (addedHere.Contains(key)) continue;
                    fileKeys.Add(key);
                    if (changesEarlier) wholeKeys.Add(key);
                }
            }
            foreach (var e in events)
                switch (e.Data)
                {
                    case StatementRecorded r: Touch(r.AgreementId, r.Content.Assertions.Select(a => a.CommitmentId)); break;
                    case StatementCorrected c:
                        // A statement recorded in this page and corrected in it too is not in the routes: its commitments
                        // are evaluated whole, so they must be read whole as well.
                        if (routes.TryGetValue(StatementEntry.KeyOf(c.AgreementId, c.StatementId), out var corrected))
                            Touch(c.AgreementId, corrected.Facts.CommitmentIds, changesEarlier: true);
                        else if (recorded.TryGetValue(StatementEntry.KeyOf(c.AgreementId, c.StatementId), out var first))
                            Touch(c.AgreementId, first, changesEarlier: true);
                        Touch(c.AgreementId, c.Changes.Assertions?.Select(a => a.CommitmentId) ?? [], changesEarlier: true);
                        break;
                    case StatementRetracted r:
                        if (routes.TryGetValue(StatementEntry.KeyOf(r.AgreementId, r.StatementId), out var retracted))
                            Touch(r.AgreementId, retracted.Facts.CommitmentIds, changesEarlier: true);
                        else if (recorded.TryGetValue(StatementEntry.KeyOf(r.AgreementId, r.StatementId), out var first))
                            Touch(r.AgreementId, first, changesEarlier: true);
                        break;
                }
            if (fileKeys.Count == 0) return;
            // The writer may have read them already, with the agreement (PortfolioReadAhead).
            var ahead = Agreements.Storage.ReadAhead.Offered;
            var unread = new List<string>();
            foreach (var key in fileKeys)
                if (ahead is not null && ahead.TryTake<CommitmentFile>(key, out var file))
                {
                    if (file is not null) files[file.Id] = file;
                }
                else unread.Add(key);
            if (unread.Count > 0)
                foreach (var file in await session.LoadManyAsync<CommitmentFile>(ct, unread))
                    files[file.Id] = file;

            // Only the files this page cannot continue need their statements: those a correction or retraction
            // touches, those with a statement said before one they count, and files kept before their latest status was.
            var needed = new HashSet<string>(wholeKeys.Where(files.ContainsKey), StringComparer.Ordinal);
            var latest = files.Values.ToDictionary(f => f.Id, f => (f.LatestSaidOn, f.LatestEnd), StringComparer.Ordinal);
            foreach (var file in files.Values)
                if (file.Latest is null) needed.Add(file.Id);
            foreach (var e in events)
                if (e.Data is StatementRecorded r)
                    foreach (var id in r.Content.Assertions.Select(a => a.CommitmentId).Distinct(StringComparer.Ordinal))
                    {
                        var key = CommitmentFile.KeyOf(r.AgreementId, id);
                        if (!latest.TryGetValue(key, out var so) || needed.Contains(key)) continue;
                        if (StatusRule.Continues(so.LatestSaidOn, so.LatestEnd, r.Content.SaidOn))
                            latest[key] = (r.Content.SaidOn, r.Content.SaidOn.End);
                        else needed.Add(key);
                    }

            var unknown = new List<string>();
            foreach (var id in needed)
                if (cache.Find(files[id]) is { } known)
                {
                    files[id].Statements = [.. known];
                    complete.Add(id);
                }
                else unknown.Add(id);
            if (unknown.Count > 0)
            {
                var stored = await PortfolioRows.FactsOfAsync(session, unknown, ct);
                foreach (var id in unknown)
                {
                    files[id].Statements = [.. stored[id]];
                    complete.Add(id);
                }
            }
        }

        public void Apply(IEvent e)
        {
            var at = Recording.Of(e).At;
            current = e;
            switch (e.Data)
            {
                case AgreementOpened o:
                    agreements.Add(new PortfolioRows.AgreementRow(o.AgreementId, o.Title, [.. o.Parties], o.Summary, [.. o.Tags],
                        JsonSerializer.Serialize(Recording.Of(e), PortfolioJson.Options), at));
                    break;

                case CommitmentAdded c:
                {
                    var file = new CommitmentFile
                    {
                        Id = CommitmentFile.KeyOf(c.AgreementId, c.CommitmentId),
                        AgreementId = c.AgreementId,
                        Ordinal = e.Version,
                        Commitment = new Commitment(c.CommitmentId, c.Title, c.Category, [.. c.ResponsibleActors],
                            c.TargetDate, c.Quantity, Recording.Of(e)),
                        LastKnownFrom = at,
                    };
                    files[file.Id] = file;
                    addedInPage.Add(file.Id);
                    complete.Add(file.Id);
                    Changing(file, at, StatusPieces.Beginning);
                    break;
                }

                case StatementRecorded r:
                {
                    var route = new StatementRoute
                    {
                        Key = StatementEntry.KeyOf(r.AgreementId, r.StatementId),
                        AgreementId = r.AgreementId,
                        Facts = StatementFacts.Of(r.StatementId, e.Version, r.Content),
                        KnownFrom = at,
                    };
                    routes[route.Key] = route;
                    changedRoutes.Add(route.Key);
                    statements.Open((r.AgreementId, r.StatementId, at), StatementRow(route));
                    Lifecycle(e, ChangeLog.Kinds.Recorded, r.AgreementId, r.StatementId, null, route.Facts.CommitmentIds);
                    foreach (var id in route.Facts.CommitmentIds)
                        if (File(r.AgreementId, id) is { } file)
                        {
                            Changing(file, at, route.Facts.SaidOn.End);
                            Record(file, route.Facts);
                            facts[(file.Id, r.StatementId)] = route.Facts;
                        }
                    break;
                }

                case StatementCorrected c when Route(c.AgreementId, c.StatementId) is { } route:
                {
                    var before = route.Facts;
                    var after = before.With(c.Changes);
                    Lifecycle(e, ChangeLog.Kinds.Corrected, c.AgreementId, c.StatementId, c.Reason,
                        before.CommitmentIds.Union(after.CommitmentIds, StringComparer.Ordinal));
                    route.Facts = after;
                    if (after.SaidOn != before.SaidOn) Reopen(route, at);
                    if (!route.Retracted)
                        foreach (var id in before.CommitmentIds.Union(after.CommitmentIds, StringComparer.Ordinal))
                            if (File(c.AgreementId, id) is { } file)
                            {
                                Changing(file, at, Earlier(before.SaidOn.End, after.SaidOn.End));
                                Rewrite(file);
                                file.Statements.RemoveAll(s => s.StatementId == c.StatementId);
                                var speaks = after.Assertions.Any(a => a.CommitmentId == id);
                                if (speaks) file.Statements.Add(after);
                                facts[(file.Id, c.StatementId)] = speaks ? after : null;
                            }
                    break;
                }

                case StatementRetracted r when Route(r.AgreementId, r.StatementId) is { Retracted: false } route:
                {
                    route.Retracted = true;
                    Reopen(route, at);
                    Lifecycle(e, ChangeLog.Kinds.Retracted, r.AgreementId, r.StatementId, r.Reason, route.Facts.CommitmentIds);
                    foreach (var id in route.Facts.CommitmentIds)
                        if (File(r.AgreementId, id) is { } file)
                        {
                            Changing(file, at, route.Facts.SaidOn.End);
                            Rewrite(file);
                            file.Statements.RemoveAll(s => s.StatementId == r.StatementId);
                            facts[(file.Id, r.StatementId)] = null;
                        }
                    break;
                }
            }
        }

        /// <summary>
        /// A statement recorded about a file: continued from its latest status when said no earlier than any it counts
        /// (the usual write), else the file is evaluated whole.
        /// </summary>
        private void Record(CommitmentFile file, StatementFacts statement)
        {
            if (complete.Contains(file.Id)) file.Statements.Add(statement);
            if (!whole.Contains(file.Id) && file.Latest is not null
                && StatusRule.Continues(file.LatestSaidOn, file.LatestEnd, statement.SaidOn))
            {
                (continuing.TryGetValue(file.Id, out var list) ? list : continuing[file.Id] = []).Add(statement);
                file.LatestSaidOn = statement.SaidOn;
                file.LatestEnd = statement.SaidOn.End;
            }
            else Rewrite(file);
        }

        /// <summary>The file changes in a way that only evaluating it whole answers: its statements must be in memory.</summary>
        private void Rewrite(CommitmentFile file)
        {
            RequireStatements(file);
            whole.Add(file.Id);
        }

        /// <summary>What LoadAsync foresaw: a file evaluated whole was read whole.</summary>
        private void RequireStatements(CommitmentFile file)
        {
            if (!complete.Contains(file.Id))
                throw new InvalidOperationException($"the portfolio did not read the statements of '{file.Id}' before evaluating them");
        }

        /// <summary>A statement's own entry in the change log, with the categories of the commitments it speaks of
        /// (before and after, for a correction), so that a feed filtered by category shows it.</summary>
        private void Lifecycle(IEvent e, string kind, string agreementId, Guid statementId, string? reason,
            IEnumerable<string> commitmentIds)
        {
            var categories = commitmentIds.Select(id => File(agreementId, id)).OfType<CommitmentFile>()
                .Select(f => Vocabulary.NameOf(f.Commitment.Category)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)
                .ToArray();
            var recording = Recording.Of(e);
            lifecycle.Add(new ChangeLog.Row(e.Sequence, 0, kind, agreementId, null, categories, statementId, reason,
                recording.At, recording.By, null, null));
        }

        /// <summary>The status changes of this page: one per commitment whose current status moved, caused by the last
        /// event that touched it (a write of one statement: that statement).</summary>
        private IEnumerable<ChangeLog.Row> StatusChanges()
        {
            foreach (var (id, (beforeStatus, cause)) in followed)
            {
                var file = files[id];
                var recording = Recording.Of(cause);
                var day = DateOnly.FromDateTime(recording.At.UtcDateTime);
                var before = StatusNow.Of(beforeStatus, day);
                var after = StatusNow.Of(latestStatus[id], day);
                if (before == after) continue;
                (Guid? statementId, string? reason) = cause.Data switch
                {
                    StatementRecorded r => ((Guid?)r.StatementId, (string?)null),
                    StatementCorrected c => (c.StatementId, c.Reason),
                    StatementRetracted r => (r.StatementId, r.Reason),
                    _ => (null, null),
                };
                yield return new ChangeLog.Row(cause.Sequence, file.Ordinal, ChangeLog.Kinds.StatusChanged,
                    file.AgreementId, file.Commitment.Id, [Vocabulary.NameOf(file.Commitment.Category)], statementId, reason,
                    recording.At, recording.By, before, after);
            }
        }

        private CommitmentFile? File(string agreementId, string commitmentId) =>
            files.GetValueOrDefault(CommitmentFile.KeyOf(agreementId, commitmentId));

        private StatementRoute? Route(string agreementId, Guid statementId)
        {
            var route = routes.GetValueOrDefault(StatementEntry.KeyOf(agreementId, statementId));
            if (route is not null) changedRoutes.Add(route.Key);
            return route;
        }

        private void Reopen(StatementRoute route, DateTimeOffset at)
        {
            at = Later(at, route.KnownFrom);
            statements.Close((route.AgreementId, route.Facts.StatementId, route.KnownFrom), route.KnownFrom, at);
            route.KnownFrom = at;
            statements.Open((route.AgreementId, route.Facts.StatementId, at), StatementRow(route));
        }

        private static PortfolioRows.StatementRow StatementRow(StatementRoute route) =>
            new(route.AgreementId, route.Facts.StatementId, route.KnownFrom, PortfolioRows.SaidKey(route.Facts.SaidOn),
                route.Facts.SaidOn.End, route.Retracted);

        /// <summary>Before a file changes at an instant: what it became at an earlier instant is written first.</summary>
        private void Changing(CommitmentFile file, DateTimeOffset at, DateOnly saidFrom)
        {
            // Its status before this page, taken before the first change to its statements (every caller changes them
            // after this call).
            if (!addedInPage.Contains(file.Id))
                followed[file.Id] = followed.TryGetValue(file.Id, out var seen)
                    ? seen with { Cause = current! }
                    : (file.Latest ?? StatusRule.Evaluate(file.AgreementId, file.Commitment, file.Statements), current!);
            if (unsettled.TryGetValue(file.Id, out var earlier) && earlier != at) Recompute(file, earlier);
            unsettled[file.Id] = at;
            changedFrom[file.Id] = changedFrom.TryGetValue(file.Id, out var from) ? Earlier(from, saidFrom) : saidFrom;
        }

        private static DateOnly Earlier(DateOnly a, DateOnly b) => a <= b ? a : b;

        public void Settle()
        {
            foreach (var (id, at) in unsettled) Recompute(files[id], at);
            unsettled.Clear();
        }

        private void Recompute(CommitmentFile file, DateTimeOffset at)
        {
            at = Later(at, file.LastKnownFrom);
            file.LastKnownFrom = at;
            changedFiles.Add(file.Id);
            var changedSince = changedFrom.Remove(file.Id, out var from) ? from : StatusPieces.Beginning;
            continuing.Remove(file.Id, out var later);
            List<StatusPieces.Piece> pieces;
            if (whole.Remove(file.Id) || file.Latest is null)
            {
                RequireStatements(file);
                pieces = StatusPieces.Of(file.AgreementId, file.Commitment, file.Statements, changedSince, file.Pieces);
                file.LatestSaidOn = file.Statements.Count == 0 ? null : file.Statements.Max(s => s.SaidOn);
                file.LatestEnd = file.Statements.Count == 0 ? null : file.Statements.Max(s => s.SaidOn.End);
            }
            else pieces = StatusPieces.Continue(file.Pieces, file.Latest, later ?? []);

            var kept = file.Pieces.ToDictionary(p => (p.ValidFrom, p.ValidTo, p.Hash));
            var next = new List<StatusPiece>(pieces.Count);
            var wanted = new HashSet<(DateOnly, DateOnly, string)>();
            foreach (var piece in pieces)
            {
                var key = (piece.ValidFrom, piece.ValidTo, piece.Hash);
                wanted.Add(key);
                if (kept.TryGetValue(key, out var same))
                {
                    next.Add(same);
                    continue;
                }
                next.Add(new StatusPiece(piece.ValidFrom, piece.ValidTo, at, piece.Hash));
            }
            foreach (var old in file.Pieces.Where(p => !wanted.Contains((p.ValidFrom, p.ValidTo, p.Hash))))
                status.Close((file.AgreementId, file.Ordinal, old.KnownFrom, old.ValidFrom), old.KnownFrom, at);
            foreach (var piece in pieces.Where(p => !kept.ContainsKey((p.ValidFrom, p.ValidTo, p.Hash))))
                status.Open((file.AgreementId, file.Ordinal, at, piece.ValidFrom), new PortfolioRows.StatusRow(
                    file.AgreementId, file.Ordinal, file.Commitment.Id, at, piece.ValidFrom, piece.ValidTo,
                    Vocabulary.NameOf(file.Commitment.Category), piece.Status!.Stage is { } s ? s.Name() : null,
                    piece.Status!.Contested, piece.Json!));
            file.Pieces = next;

            var latest = pieces[^1].Status!; // never taken unchanged: it ends at infinity
            file.Latest = latest;
            latestStatus[file.Id] = latest;
            now[(file.AgreementId, file.Ordinal)] = new PortfolioRows.NowRow(file.AgreementId, file.Ordinal,
                Vocabulary.NameOf(file.Commitment.Category), latest.Stage is { } stage ? stage.Name() : null, latest.Contested);
            var changes = latest.Transitions
                .Select(t => JsonSerializer.Serialize(new ChangeRow(file.AgreementId, latest.CommitmentId, latest.Title, t),
                    PortfolioJson.Options))
                .ToList();
            var hash = StatusPieces.Hash(string.Join("\n", changes));
            if (hash == file.TransitionsHash) return;
            for (var seq = 0; seq < file.TransitionCount; seq++)
                transitions.Close((file.AgreementId, file.Ordinal, file.TransitionsKnownFrom, seq), file.TransitionsKnownFrom, at);
            for (var seq = 0; seq < changes.Count; seq++)
            {
                var t = latest.Transitions[seq];
                transitions.Open((file.AgreementId, file.Ordinal, at, seq), new PortfolioRows.TransitionRow(
                    file.AgreementId, file.Ordinal, seq, at, PortfolioRows.SaidKey(t.SaidOn), t.SaidOn.End, changes[seq]));
            }
            file.TransitionsHash = hash;
            file.TransitionCount = changes.Count;
            file.TransitionsKnownFrom = at;
        }

        private static DateTimeOffset Later(DateTimeOffset a, DateTimeOffset b) => a >= b ? a : b;

        /// <summary>What a page that began with the streams' first events wrote: only opened rows, for it closes
        /// none it did not open itself.</summary>
        public PortfolioFold Folded()
        {
            if (status.Closed.Count + status.Deleted.Count + transitions.Closed.Count + transitions.Deleted.Count
                + statements.Closed.Count + statements.Deleted.Count > 0)
                throw new InvalidOperationException("a fold from the streams' first events closed rows it had not opened");
            return new PortfolioFold(agreements, [.. status.Opened], [.. transitions.Opened], [.. statements.Opened], [.. now.Values],
                [.. facts.Where(f => f.Value is not null).Select(f => (f.Key.File, f.Key.Statement, f.Value!))],
                [.. files.Values], [.. routes.Values]);
        }

        public void Write(IDocumentOperations operations)
        {
            foreach (var file in facts.Keys.Select(k => k.File).Distinct())
                if (complete.Contains(file)) cache.Keep(files[file]);
                else cache.Forget(files[file]);
            if (changedFiles.Count > 0) operations.Store(changedFiles.Select(k => files[k]).ToArray());
            if (changedRoutes.Count > 0) operations.Store(changedRoutes.Select(k => routes[k]).ToArray());
            PortfolioRows.Write(operations, agreements, status, transitions, statements, now.Values, facts);
            ChangeLog.Queue(operations, [.. lifecycle, .. StatusChanges()]);
        }
    }
}


/// <summary>The rows of whole streams (<see cref="PortfolioProjection.Fold"/>); a row's KnownTo is null while it is current.</summary>
public sealed record PortfolioFold(
    List<PortfolioRows.AgreementRow> Agreements,
    List<(PortfolioRows.StatusRow Row, DateTimeOffset? KnownTo)> Status,
    List<(PortfolioRows.TransitionRow Row, DateTimeOffset? KnownTo)> Transitions,
    List<(PortfolioRows.StatementRow Row, DateTimeOffset? KnownTo)> Statements,
    List<PortfolioRows.NowRow> Now,
    List<(string File, Guid Statement, StatementFacts Facts)> Facts,
    List<CommitmentFile> Files,
    List<StatementRoute> Routes);
