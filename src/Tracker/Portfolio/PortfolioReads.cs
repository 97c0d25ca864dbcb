using System.Data;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using Tracker.Agreements;
using Tracker.Http;
using Tracker.Infrastructure;
using Tracker.Infrastructure.Database;
using Tracker.Kernel;

namespace Tracker.Portfolio;

/// <summary>
/// Reads across agreements, answered by PostgreSQL from the portfolio tables: filtered, sorted and paged with
/// indexes, or streamed row by row; never by loading the store. Each read runs in one repeatable-read snapshot, so a
/// page and its totals describe the same moment.
/// </summary>
public sealed class PortfolioReads(ReportDataSource sources)
{
    // A report may lag the latest write by a standby's replay (see ReportDataSource); whether an agreement exists may not.
    private readonly NpgsqlDataSource database = sources.DataSource;
    private readonly NpgsqlDataSource primary = sources.Primary;

    /// <summary>Where reads that may lag go (a standby when one is configured): also what PostgreSQL-written exports
    /// (<c>COPY … TO STDOUT</c>) read from.</summary>
    public NpgsqlDataSource ReportSource => database;
    private const string Schema = TrackerHost.MartenSchema;

    /// <summary>
    /// One repeatable-read snapshot, its statements planned for their values every time. Npgsql prepares a statement
    /// run often, and after five runs PostgreSQL may keep a generic plan, costed without the values: for a clock
    /// (<c>s.known @&gt; $1 and s.valid @&gt; $2</c>) it guessed 7 rows where 13,632 match and a page took 2.5 s, not 40 ms
    /// (measured at 128,000 events; the scale bench's past-clock probes then spent their budget on a few requests).
    /// </summary>
    private static async Task<NpgsqlTransaction> BeginReadAsync(NpgsqlConnection conn, CancellationToken ct)
    {
        var tx = await conn.BeginTransactionAsync(IsolationLevel.RepeatableRead, ct);
        await using var custom = new NpgsqlCommand("set local plan_cache_mode = force_custom_plan", conn, tx);
        await custom.ExecuteNonQueryAsync(ct);
        return tx;
    }

    public async Task<StatusReport> StatusPageAsync(StatusReportFilter filter, Clocks clocks, Paging paging,
        DateTimeOffset now, CancellationToken ct)
    {
        await using var conn = await database.OpenConnectionAsync(ct);
        await using var tx = await BeginReadAsync(conn, ct);
        var day = StatusReportHead.DayOf(clocks.AsOf, now);
        var totals = await TotalsAsync(conn, filter, clocks, day, ct);
        var rows = new List<StatusReportRow>(paging.Size);
        await foreach (var row in StatusRowsAsync(conn, filter, clocks, day, paging, ct)) rows.Add(row);
        return new StatusReport(clocks.AsOf, clocks.KnownAt, now, filter, rows, totals, totals.Values.Sum(), paging.Page,
            paging.Size) { AwaitingReview = await AwaitingReviewCount.OfAsync(conn, rows, ct) };
    }

    /// <summary>The whole report, streamed: its head (totals) first, then every row as the database returns it.</summary>
    public async Task StreamStatusAsync(StatusReportFilter filter, Clocks clocks, DateTimeOffset now,
        Func<StatusReportHead, IAsyncEnumerable<StatusReportRow>, Task> write, CancellationToken ct)
    {
        await using var conn = await database.OpenConnectionAsync(ct);
        await using var tx = await BeginReadAsync(conn, ct);
        var day = StatusReportHead.DayOf(clocks.AsOf, now);
        var totals = await TotalsAsync(conn, filter, clocks, day, ct);
        await write(new StatusReportHead(clocks.AsOf, clocks.KnownAt, now, filter, totals),
            StatusRowsAsync(conn, filter, clocks, day, null, ct));
    }

    /// <summary>
    /// The whole report for a workbook, whose sheets come one after another: its head, how many evidence records its
    /// rows have (one per cited statement per commitment), and the rows as often as asked, each pass read again in the
    /// same snapshot, so that every sheet tells of one moment.
    /// </summary>
    public async Task StreamStatusPassesAsync(StatusReportFilter filter, Clocks clocks, DateTimeOffset now,
        Func<StatusReportHead, long, Func<IAsyncEnumerable<StatusReportRow>>, Task> write, CancellationToken ct)
    {
        await using var conn = await database.OpenConnectionAsync(ct);
        await using var tx = await BeginReadAsync(conn, ct);
        var day = StatusReportHead.DayOf(clocks.AsOf, now);
        var totals = await TotalsAsync(conn, filter, clocks, day, ct);
        var evidence = await EvidenceCountAsync(conn, filter, clocks, day, ct);
        await write(new StatusReportHead(clocks.AsOf, clocks.KnownAt, now, filter, totals), evidence,
            () => StatusRowsAsync(conn, filter, clocks, day, null, ct));
    }

    public async Task<ChangesReport> ChangesPageAsync(DateOnly from, DateOnly to, DateTimeOffset? knownAt, Paging paging,
        DateTimeOffset now, CancellationToken ct)
    {
        await using var conn = await database.OpenConnectionAsync(ct);
        await using var tx = await BeginReadAsync(conn, ct);
        var total = await ChangesCountAsync(conn, from, to, knownAt, ct);
        var rows = new List<ChangeRow>(paging.Size);
        await foreach (var row in ChangeRowsAsync(conn, from, to, knownAt, paging, ct)) rows.Add(row);
        return new ChangesReport(from, to, knownAt, now, rows, total, paging.Page, paging.Size);
    }

    public async Task StreamChangesAsync(DateOnly from, DateOnly to, DateTimeOffset? knownAt, DateTimeOffset now,
        Func<ChangesReportHead, IAsyncEnumerable<ChangeRow>, Task> write, CancellationToken ct)
    {
        await using var conn = await database.OpenConnectionAsync(ct);
        await using var tx = await BeginReadAsync(conn, ct);
        var total = await ChangesCountAsync(conn, from, to, knownAt, ct);
        await write(new ChangesReportHead(from, to, knownAt, now, total), ChangeRowsAsync(conn, from, to, knownAt, null, ct));
    }

    /// <summary>A filter naming an agreement that does not exist is an error on <c>agreement</c>, with close matches.</summary>
    public async Task CheckAgreementAsync(StatusReportFilter? filter, List<FieldError> errors, CancellationToken ct)
    {
        if (filter?.Agreement is { } named && await UnknownAgreementAsync(named, ct) is { } unknown)
            errors.Add(new FieldError("agreement", unknown));
    }

    /// <summary>
    /// Null when the agreement exists; else why a filter naming it would match nothing, with the ids that look most
    /// like it (sharing its first letters; closest first).
    /// </summary>
    public async Task<string?> UnknownAgreementAsync(string agreementId, CancellationToken ct)
    {
        await using var conn = await primary.OpenConnectionAsync(ct);
        await using (var exists = new NpgsqlCommand($"select exists (select 1 from {Schema}.portfolio_agreements where agreement_id = @a)", conn))
        {
            exists.Parameters.AddWithValue("a", agreementId);
            if ((bool)(await exists.ExecuteScalarAsync(ct))!) return null;
        }
        var prefix = agreementId[..Math.Min(3, agreementId.Length)];
        var candidates = new List<string>();
        await using (var like = new NpgsqlCommand(
                         $"select agreement_id from {Schema}.portfolio_agreements where agreement_id >= @p and agreement_id < @p || chr(1114111) order by agreement_id limit 200", conn))
        {
            like.Parameters.AddWithValue("p", prefix);
            await using var reader = await like.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct)) candidates.Add(reader.GetString(0));
        }
        var near = candidates.OrderBy(c => Distance(c, agreementId)).ThenBy(c => c, StringComparer.Ordinal).Take(3).ToList();
        return $"no agreement '{agreementId}'" + (near.Count > 0 ? $"; did you mean {string.Join(", ", near.Select(n => $"'{n}'"))}?" : "");
    }

    private static int Distance(string a, string b)
    {
        var row = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var previous = row[0];
            row[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var current = row[j];
                row[j] = Math.Min(Math.Min(row[j] + 1, row[j - 1] + 1), previous + (a[i - 1] == b[j - 1] ? 0 : 1));
                previous = current;
            }
        }
        return row[b.Length];
    }

    /// <summary>Agreements known at the instant, filtered by party and tag, one page, each summarised on both clocks.</summary>
    public async Task<PageOf<AgreementSummary>> AgreementsAsync(string? party, string? tag, Clocks clocks, Paging paging,
        CancellationToken ct)
    {
        await using var conn = await database.OpenConnectionAsync(ct);
        await using var tx = await BeginReadAsync(conn, ct);
        var where = new List<string>();
        var parameters = new List<NpgsqlParameter>();
        if (clocks.KnownAt is { } t) { where.Add("a.opened_at <= @t"); parameters.Add(new("t", t)); }
        if (party is not null) { where.Add("a.parties @> array[@party]"); parameters.Add(new("party", party.ToUpperInvariant())); }
        if (tag is not null) { where.Add("a.tags @> array[@tag]"); parameters.Add(new("tag", tag.ToLowerInvariant())); }
        var filter = where.Count == 0 ? "" : "where " + string.Join(" and ", where);

        await using var count = Command(conn, $"select count(*) from {Schema}.portfolio_agreements a {filter}", parameters);
        var total = Convert.ToInt32(await count.ExecuteScalarAsync(ct));

        // The page's ids first, from the primary key alone (an index-only scan when unfiltered), then only their rows:
        // skipping 10,000 whole rows, their columns taken apart, made page 500 cost twice page 1.
        var page = $"""
            with ids as (select a.agreement_id from {Schema}.portfolio_agreements a {filter} order by a.agreement_id limit @limit offset @offset)
            select a.agreement_id, a.title, a.parties, a.summary, a.tags, a.opened::text
            from ids join {Schema}.portfolio_agreements a on a.agreement_id = ids.agreement_id order by a.agreement_id
            """;
        var pageParameters = parameters.Append(new("limit", paging.Size)).Append(new("offset", paging.Offset)).ToList();
        var heads = new List<(string Id, string Title, string[] Parties, string? Summary, string[] Tags, Recording Opened)>();
        await using (var cmd = Command(conn, page, pageParameters))
        await using (var reader = await cmd.ExecuteReaderAsync(ct))
            while (await reader.ReadAsync(ct))
                heads.Add((reader.GetString(0), reader.GetString(1), reader.GetFieldValue<string[]>(2),
                    reader.IsDBNull(3) ? null : reader.GetString(3), reader.GetFieldValue<string[]>(4),
                    JsonSerializer.Deserialize<Recording>(reader.GetString(5), PortfolioJson.Options)!));
        if (heads.Count == 0) return new PageOf<AgreementSummary>([], paging.Page, paging.Size, total);

        var ids = heads.Select(h => h.Id).ToArray();
        var statuses = ids.ToDictionary(id => id, _ => new List<CommitmentStatus>(), StringComparer.Ordinal);
        var statusParameters = new List<NpgsqlParameter> { new("ids", ids) };
        var clockFilter = StatusClocks(clocks, statusParameters);
        await using (var cmd = Command(conn, $"""
                         select s.agreement_id, s.status::text from {Schema}.portfolio_status s
                         where s.agreement_id = any(@ids) and {clockFilter} order by s.agreement_id, s.ordinal
                         """, statusParameters))
        await using (var reader = await cmd.ExecuteReaderAsync(ct))
            while (await reader.ReadAsync(ct))
                statuses[reader.GetString(0)].Add(JsonSerializer.Deserialize<CommitmentStatus>(reader.GetString(1), PortfolioJson.Options)!);

        var counts = new Dictionary<string, (int Kept, int Retracted, SaidOn? Last)>(StringComparer.Ordinal);
        var countParameters = new List<NpgsqlParameter> { new("ids", ids) };
        var known = KnownClock("st", clocks.KnownAt, countParameters);
        var said = clocks.AsOf is { } d ? "and st.said_end <= @d" : "";
        if (clocks.AsOf is { } asOf) countParameters.Add(new("d", asOf));
        await using (var cmd = Command(conn, $"""
                         select st.agreement_id, count(*) filter (where not st.retracted), count(*) filter (where st.retracted),
                                max(st.said_key) filter (where not st.retracted)
                         from {Schema}.portfolio_statements st
                         where st.agreement_id = any(@ids) and {known} {said} group by st.agreement_id
                         """, countParameters))
        await using (var reader = await cmd.ExecuteReaderAsync(ct))
            while (await reader.ReadAsync(ct))
                counts[reader.GetString(0)] = (Convert.ToInt32(reader.GetInt64(1)), Convert.ToInt32(reader.GetInt64(2)),
                    reader.IsDBNull(3) ? null : PortfolioRows.FromSaidKey(reader.GetInt32(3)));

        // The last event known at the instant gives the version and the last activity.
        var last = new Dictionary<string, Recording>(StringComparer.Ordinal);
        var lastParameters = new List<NpgsqlParameter> { new("ids", ids) };
        var upTo = clocks.KnownAt is { } at ? "and e.timestamp <= @t" : "";
        if (clocks.KnownAt is { } knownAt) lastParameters.Add(new("t", knownAt));
        await using (var cmd = Command(conn, $"""
                         select p.id, e.version, e.timestamp, e.user_name, e.correlation_id
                         from unnest(@ids) as p(id) cross join lateral (
                             select version, timestamp, user_name, correlation_id from {Schema}.mt_events e
                             where e.stream_id = p.id::varchar collate "default" {upTo} order by e.version desc limit 1) e
                         """, lastParameters))
        await using (var reader = await cmd.ExecuteReaderAsync(ct))
            while (await reader.ReadAsync(ct))
                last[reader.GetString(0)] = new Recording(reader.GetFieldValue<DateTimeOffset>(2),
                    reader.IsDBNull(3) ? null : reader.GetString(3), reader.IsDBNull(4) ? null : reader.GetString(4),
                    reader.GetInt64(1));

        var items = heads.Select(h =>
        {
            var c = counts.GetValueOrDefault(h.Id);
            var activity = last.GetValueOrDefault(h.Id) ?? h.Opened;
            return AgreementSummary.From(h.Id, h.Title, h.Parties, h.Summary, h.Tags, activity.Version, statuses[h.Id],
                c.Kept, c.Retracted, c.Last, h.Opened, activity);
        }).ToList();
        return new PageOf<AgreementSummary>(items, paging.Page, paging.Size, total);
    }

    private static async Task<IReadOnlyDictionary<string, int>> TotalsAsync(NpgsqlConnection conn, StatusReportFilter filter,
        Clocks clocks, DateOnly day, CancellationToken ct)
    {
        var parameters = new List<NpgsqlParameter>();
        // Now: the small table of current answers (it has no target dates). Otherwise the status rows on those clocks.
        var (table, where) = clocks == Clocks.Now && filter is { Overdue: null, Speaker: null, Actor: null, AwaitingReview: null, SourceDrift: null }
            ? ($"{Schema}.portfolio_now s", FilterWhere(filter, clocks, day, parameters, ["true"]))
            : ($"{Schema}.portfolio_status s", StatusWhere(filter, clocks, day, parameters));
        await using var cmd = Command(conn,
            $"select coalesce(s.stage, 'none'), count(*) from {table} where {where} group by 1", parameters);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var totals = new SortedDictionary<string, int>(StringComparer.Ordinal);
        while (await reader.ReadAsync(ct)) totals[reader.GetString(0)] = Convert.ToInt32(reader.GetInt64(1));
        return totals;
    }

    /// <summary>The statements the matching rows cite, each once per row that cites it, supporting or disputing.</summary>
    private static async Task<long> EvidenceCountAsync(NpgsqlConnection conn, StatusReportFilter filter, Clocks clocks,
        DateOnly day, CancellationToken ct)
    {
        var parameters = new List<NpgsqlParameter>();
        var where = StatusWhere(filter, clocks, day, parameters);
        await using var cmd = Command(conn,
            "select coalesce(sum(jsonb_array_length(s.status -> 'evidence') + jsonb_array_length(s.status -> 'conflicting')), 0) " +
            $"from {Schema}.portfolio_status s where {where}", parameters);
        return Convert.ToInt64(await cmd.ExecuteScalarAsync(ct));
    }

    /// <summary>Rows fetched, and their cited statements looked up, this many at a time: memory stays flat.</summary>
    private const int RowBatch = 200;

    /// <summary>
    /// The matching rows in order with the statements they cite. A whole report reads through a cursor, a batch at
    /// a time, so the statements of each batch are looked up in the same snapshot between two fetches.
    /// </summary>
    private static async IAsyncEnumerable<StatusReportRow> StatusRowsAsync(NpgsqlConnection conn, StatusReportFilter filter,
        Clocks clocks, DateOnly day, Paging? paging, [EnumeratorCancellation] CancellationToken ct)
    {
        var parameters = new List<NpgsqlParameter>();
        var where = StatusWhere(filter, clocks, day, parameters);
        string sql;
        if (paging is { } p)
        {
            parameters.Add(new("limit", p.Size));
            parameters.Add(new("offset", p.Offset));
            // The page's keys first, then only their statuses: a status is a few kilobytes of JSON, and reading it
            // for every match before the limit would cost the whole portfolio, whatever plan is chosen. "Now", the
            // keys are the commitment's alone (one row is current), so that unfiltered and by stage or category the
            // offset's rows are skipped in their partial index without visiting the table (an index-only scan): page
            // 500 of 20 read 10,000 rows for their record-time keys, 15 times the cost of the keys alone.
            var (keys, match) = clocks == Clocks.Now
                ? ("s.agreement_id, s.ordinal", $"and {ClocksText(clocks)}")
                : ("s.agreement_id, s.ordinal, s.known_from, s.valid_from", "and s.known_from = k.known_from and s.valid_from = k.valid_from");
            sql = $"""
                with keys as (
                    select {keys} from {Schema}.portfolio_status s
                    where {where} order by s.agreement_id, s.ordinal limit @limit offset @offset)
                select s.agreement_id, a.title, a.parties, s.status::text
                from keys k
                join {Schema}.portfolio_status s on s.agreement_id = k.agreement_id and s.ordinal = k.ordinal
                    {match}
                join {Schema}.portfolio_agreements a on a.agreement_id = k.agreement_id
                order by k.agreement_id, k.ordinal
                """;
            var page = new List<(string, string, string[], CommitmentStatus)>(p.Size);
            await using (var cmd = Command(conn, sql, parameters))
            await using (var reader = await cmd.ExecuteReaderAsync(CommandBehavior.SequentialAccess, ct))
                while (await reader.ReadAsync(ct)) page.Add(ReadStatus(reader));
            foreach (var row in await WithStatementsAsync(conn, page, clocks.KnownAt, day, ct)) yield return row;
            yield break;
        }

        sql = $"""
            select s.agreement_id, a.title, a.parties, s.status::text
            from {Schema}.portfolio_status s join {Schema}.portfolio_agreements a on a.agreement_id = s.agreement_id
            where {where} order by s.agreement_id, s.ordinal
            """;
        await using (var declare = Command(conn, $"declare status_rows no scroll cursor for {sql}", parameters))
            await declare.ExecuteNonQueryAsync(ct);
        while (true)
        {
            var batch = new List<(string, string, string[], CommitmentStatus)>(RowBatch);
            await using (var fetch = new NpgsqlCommand($"fetch {RowBatch} from status_rows", conn))
            await using (var reader = await fetch.ExecuteReaderAsync(CommandBehavior.SequentialAccess, ct))
                while (await reader.ReadAsync(ct)) batch.Add(ReadStatus(reader));
            foreach (var row in await WithStatementsAsync(conn, batch, clocks.KnownAt, day, ct)) yield return row;
            if (batch.Count < RowBatch) break;
        }
        await using var close = new NpgsqlCommand("close status_rows", conn);
        await close.ExecuteNonQueryAsync(ct);
    }

    private static (string, string, string[], CommitmentStatus) ReadStatus(NpgsqlDataReader reader) =>
        (reader.GetString(0), reader.GetString(1), reader.GetFieldValue<string[]>(2),
            JsonSerializer.Deserialize<CommitmentStatus>(reader.GetString(3), PortfolioJson.Options)!);

    /// <summary>
    /// The rows with the readings of the statements they cite, as known at the instant: the original, or the last
    /// correction recorded by then. One lookup by key for the whole batch.
    /// </summary>
    private static async Task<List<StatusReportRow>> WithStatementsAsync(NpgsqlConnection conn,
        List<(string AgreementId, string Title, string[] Parties, CommitmentStatus Status)> rows, DateTimeOffset? knownAt,
        DateOnly day, CancellationToken ct)
    {
        var keys = rows.SelectMany(r => CitedStatement.CitedBy(r.Status).Select(id => StatementEntry.KeyOf(r.AgreementId, id)))
            .Distinct(StringComparer.Ordinal).ToArray();
        var readings = new Dictionary<string, StatementContent>(keys.Length, StringComparer.Ordinal);
        if (keys.Length > 0)
        {
            var parameters = new List<NpgsqlParameter> { new("keys", keys) };
            var reading = "d.data -> 'current'";
            if (knownAt is { } t)
            {
                parameters.Add(new("t", NpgsqlDbType.TimestampTz) { Value = t });
                reading = """
                    coalesce((select c -> 'after' from jsonb_array_elements(d.data -> 'corrections') with ordinality as x(c, n)
                              where (c -> 'recorded' ->> 'at')::timestamptz <= @t order by n desc limit 1),
                             d.data -> 'original')
                    """;
            }
            await using var cmd = Command(conn, $"select d.id, ({reading})::text from {Schema}.mt_doc_statemententry d where d.id = any(@keys)",
                parameters);
            await using var reader = await cmd.ExecuteReaderAsync(CommandBehavior.SequentialAccess, ct);
            while (await reader.ReadAsync(ct))
                readings[reader.GetString(0)] = JsonSerializer.Deserialize<StatementContent>(reader.GetString(1), PortfolioJson.Options)!;
        }
        var people = await Registry.People.SpeakerPeople.ReadAsync(conn, readings.Values.Select(c => c.Speaker).ToList(), knownAt, ct);
        var checks = await SourceCheck.OfStatementsAsync(conn,
            rows.SelectMany(r => CitedStatement.CitedBy(r.Status).Select(id => (r.AgreementId, id))).Distinct().ToList(), knownAt, ct);
        CitedStatement Cited(string agreementId, Guid id, StatementContent c) => (people.Of(c.Speaker) is { } person
            ? CitedStatement.Of(id, c) with
            {
                Person = person.Name,
                RoleOnDate = c.Speaker.Role is null ? person.RoleOn(c.SaidOn.Start)?.Role : null,
            }
            : CitedStatement.Of(id, c)) with { SourceCheck = checks.GetValueOrDefault((agreementId, id)) };
        var actors = await PartyActorsAsync(conn, rows.SelectMany(r => r.Parties).Distinct(StringComparer.Ordinal).ToArray(), knownAt, ct);
        return rows.Select(r =>
        {
            var (names, gone) = PartyNoLongerExisting.Describe(r.Parties, day, head => actors.TryGetValue(head, out var a) ? a : null);
            return new StatusReportRow(r.AgreementId, r.Title, r.Parties, r.Status,
                [.. CitedStatement.CitedBy(r.Status)
                    .Select(id => readings.TryGetValue(StatementEntry.KeyOf(r.AgreementId, id), out var c) ? Cited(r.AgreementId, id, c) : null)
                    .OfType<CitedStatement>()], r.Status.IsOverdueOn(day))
            {
                PartiesNoLongerExisting = gone,
                PartyNames = names,
            };
        }).ToList();
    }

    /// <summary>
    /// The registry's name and last day of the actors behind these parties (a unit's actor for a unit). Known at an
    /// instant, a name is the one the registry had then: a later rename does not rewrite an earlier report. One indexed
    /// lookup for the page's parties.
    /// </summary>
    private static async Task<Dictionary<string, (string Name, DateOnly? ValidTo)>> PartyActorsAsync(
        NpgsqlConnection conn, string[] parties, DateTimeOffset? knownAt, CancellationToken ct)
    {
        var found = new Dictionary<string, (string Name, DateOnly? ValidTo)>(StringComparer.Ordinal);
        if (parties.Length == 0) return found;
        var name = knownAt is null ? "d.name" : $"""
            coalesce((select k.written from {Registry.RegistryProjection.ActorKeys} k where k.actor_id = d.actor_id and k.kind = 'name'
                        and k.added_at <= @t and (k.removed_at is null or k.removed_at > @t) order by k.added_at desc limit 1),
                     (select b.name from {Registry.RegistryReads.Builtins} b where b.actor_id = d.actor_id), d.actor_id)
            """;
        await using var cmd = Command(conn, $"select d.actor_id, {name}, d.valid_to from {Registry.RegistryReads.Directory} d where d.actor_id = any(@ids)",
            [new("ids", parties.Select(p => p.Split('-')[0]).Distinct().ToArray()),
                new("t", NpgsqlDbType.TimestampTz) { Value = (object?)knownAt ?? DBNull.Value }]);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            found[reader.GetString(0)] = (reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetFieldValue<DateOnly>(2));
        return found;
    }

    /// <summary>The filters and both clocks over status rows (aliased s), its parameters added; the CSV exports' too.</summary>
    internal static string StatusWhere(StatusReportFilter filter, Clocks clocks, DateOnly day, List<NpgsqlParameter> parameters) =>
        FilterWhere(filter, clocks, day, parameters, [StatusClocks(clocks, parameters)]);

    /// <summary>
    /// The filters, over any table with agreement_id, category and stage (aliased s); overdue, speaker, actor and review only
    /// over status rows (<see cref="CommitmentStatus.IsOverdueOn"/>, written again in SQL).
    /// </summary>
    private static string FilterWhere(StatusReportFilter filter, Clocks clocks, DateOnly day, List<NpgsqlParameter> parameters,
        List<string> where)
    {
        if (filter.Speaker is not null || filter.Actor is not null)
            where.Add(SpokenOf(filter, clocks, parameters));
        if (filter.SourceDrift is { } drift) where.Add((drift ? "" : "not ") + Drifted);
        if (filter.Overdue is { } overdue)
        {
            const string isOverdue = "coalesce((s.status ->> 'targetDate')::date < @day, false) "
                                     + "and coalesce(s.stage, '') not in ('fulfilled', 'withdrawn', 'rejected')";
            where.Add(overdue ? $"({isOverdue})" : $"not ({isOverdue})");
            parameters.Add(new("day", NpgsqlDbType.Date) { Value = day });
        }
        if (filter.Agreement is { } agreement)
        {
            where.Add("s.agreement_id = @agreement");
            parameters.Add(new("agreement", agreement));
        }
        if (filter.Party is { } party)
        {
            where.Add($"s.agreement_id in (select agreement_id from {Schema}.portfolio_agreements where parties @> array[@party])");
            parameters.Add(new("party", party.ToUpperInvariant()));
        }
        if (filter.Category is { } category)
        {
            where.Add("s.category = @category");
            parameters.Add(new("category", Vocabulary.NameOf(category)));
        }
        if (filter.Stage is { } stage)
        {
            where.Add("s.stage = @stage");
            parameters.Add(new("stage", stage.Name()));
        }
        if (filter.AwaitingReview is { } awaiting)
            where.Add((awaiting ? "" : "not ") + AwaitingReviewCount.Commitments);
        if (filter.Contested is { } contested)
        {
            where.Add("s.contested = @contested");
            parameters.Add(new("contested", contested));
        }
        return string.Join(" and ", where);
    }

    /// <summary>
    /// Commitments a statement that counts (not retracted, asserting it in its current reading) rests on a source whose
    /// capture drifted (tracker.source_drift, kept by Sources' capturers: the quote gone from the page, or the page gone).
    /// </summary>
    private const string Drifted = $"""
        (s.agreement_id, s.commitment_id) in (
            select q.agreement_id, c.id from {Schema}.source_drift d
            join {Schema}.statement_search q on q.agreement_id = d.agreement_id and q.statement_id = d.statement_id
            cross join lateral unnest(q.commitment_ids) c(id)
            where q.counted and not q.retracted)
        """;

    /// <summary>
    /// Commitments spoken of by a speaker (or for an actor) in a statement that counts: not retracted, asserting the
    /// commitment in its current reading, and said by the report's as-of date. The statements are found first, by the
    /// search index (speaker and role words, by prefix) or by actor, and their commitments then matched: a rare
    /// speaker costs a few index reads, not a walk over every status.
    /// </summary>
    private static string SpokenOf(StatusReportFilter filter, Clocks clocks, List<NpgsqlParameter> parameters)
    {
        // A proposal's row (counted false) is found by search but speaks for nothing until approved.
        var said = new List<string> { "q.counted", "not q.retracted" };
        if (filter.Speaker is { } speaker)
        {
            // Weight C holds the speaker's name and role. PostgreSQL's C locale lowercases only ASCII letters, so a
            // word is also looked for as typed, lowercased and capitalised ("умєров" finds "Умєров").
            var words = StatusReportFilter.SpeakerWords(speaker).Select(w =>
                "(" + string.Join(" | ", new[] { w, w.ToLowerInvariant(), char.ToUpperInvariant(w[0]) + w[1..].ToLowerInvariant() }
                    .Distinct(StringComparer.Ordinal).Select(v => v + ":*C")) + ")");
            // A speaker the people registry knows by this spelling is found under every spelling it has (Umerov finds
            // Умєров once that is his alias), and by the statements linked to them by id.
            var person = $"(select person_id from {Registry.RegistryProjection.PersonKeys} where key = @speaker_key and removed_at is null)";
            said.Add($"""
                (q.document @@ to_tsquery('simple', @speaker_words) or q.person_id in {person}
                 or (q.person_id is null and q.speaker_key in
                     (select key from {Registry.RegistryProjection.PersonKeys} where person_id in {person} and removed_at is null)))
                """);
            parameters.Add(new("speaker_words", string.Join(" & ", words)));
            parameters.Add(new("speaker_key", Kernel.NameKey.Of(speaker)));
        }
        if (filter.Actor is { } actor)
        {
            said.Add("q.actor = @speaker_actor");
            parameters.Add(new("speaker_actor", actor));
        }
        if (clocks.AsOf is { } asOf)
        {
            said.Add($"exists (select 1 from {Schema}.portfolio_statements st where st.agreement_id = q.agreement_id " +
                     "and st.statement_id = q.statement_id and st.known_to = 'infinity' and st.said_end <= @said_by)");
            parameters.Add(new("said_by", NpgsqlDbType.Date) { Value = asOf });
        }
        return $"""
            (s.agreement_id, s.commitment_id) in (
                select q.agreement_id, c.id from {Schema}.statement_search q cross join lateral unnest(q.commitment_ids) c(id)
                where {string.Join(" and ", said)})
            """;
    }

    /// <summary>
    /// The row that holds the answer on both clocks: the current one unless a clock is given. Each combination is
    /// written the way one index answers it (see migrations/0003_portfolio.sql).
    /// </summary>
    private static string StatusClocks(Clocks clocks, List<NpgsqlParameter> parameters)
    {
        if (clocks.AsOf is { } asOf) parameters.Add(new("d", NpgsqlDbType.Date) { Value = asOf });
        if (clocks.KnownAt is { } t) parameters.Add(new("t", NpgsqlDbType.TimestampTz) { Value = t });
        return ClocksText(clocks);
    }

    /// <summary><see cref="StatusClocks"/>'s condition, its parameters already added.</summary>
    private static string ClocksText(Clocks clocks)
    {
        const string valid = "s.valid @> @d";
        const string known = "s.known @> @t";
        return (clocks.AsOf, clocks.KnownAt) switch
        {
            (null, null) => "s.known_to = 'infinity' and s.valid_to = 'infinity'",
            (not null, null) => $"s.known_to = 'infinity' and {valid}",
            (null, not null) => $"s.valid_to = 'infinity' and {known}",
            _ => $"{known} and {valid}",
        };
    }

    private static string KnownClock(string alias, DateTimeOffset? knownAt, List<NpgsqlParameter> parameters)
    {
        if (knownAt is not { } t) return $"{alias}.known_to = 'infinity'";
        parameters.Add(new("t", NpgsqlDbType.TimestampTz) { Value = t });
        return $"{alias}.known_from <= @t and {alias}.known_to > @t";
    }

    private static async Task<int> ChangesCountAsync(NpgsqlConnection conn, DateOnly from, DateOnly to, DateTimeOffset? knownAt,
        CancellationToken ct)
    {
        var parameters = new List<NpgsqlParameter>();
        var where = ChangesWhere(from, to, knownAt, parameters);
        await using var cmd = Command(conn, $"select count(*) from {Schema}.portfolio_transitions t where {where}", parameters);
        return Convert.ToInt32(await cmd.ExecuteScalarAsync(ct));
    }

    private static async IAsyncEnumerable<ChangeRow> ChangeRowsAsync(NpgsqlConnection conn, DateOnly from, DateOnly to,
        DateTimeOffset? knownAt, Paging? paging, [EnumeratorCancellation] CancellationToken ct)
    {
        var parameters = new List<NpgsqlParameter>();
        var where = ChangesWhere(from, to, knownAt, parameters);
        var limit = "";
        if (paging is { } p)
        {
            limit = "limit @limit offset @offset";
            parameters.Add(new("limit", p.Size));
            parameters.Add(new("offset", p.Offset));
        }
        await using var cmd = Command(conn, $"""
            select t.change::text from {Schema}.portfolio_transitions t where {where}
            order by t.said_key, t.agreement_id, t.ordinal, t.seq {limit}
            """, parameters);
        await using var reader = await cmd.ExecuteReaderAsync(CommandBehavior.SequentialAccess, ct);
        while (await reader.ReadAsync(ct))
            yield return JsonSerializer.Deserialize<ChangeRow>(reader.GetString(0), PortfolioJson.Options)!;
    }

    /// <summary>Placed by the last day its date can mean, as "as of" counts it.</summary>
    private static string ChangesWhere(DateOnly from, DateOnly to, DateTimeOffset? knownAt, List<NpgsqlParameter> parameters)
    {
        parameters.Add(new("from", NpgsqlDbType.Date) { Value = from });
        parameters.Add(new("to", NpgsqlDbType.Date) { Value = to });
        return $"{KnownClock("t", knownAt, parameters)} and t.said_end >= @from and t.said_end <= @to";
    }

    private static NpgsqlCommand Command(NpgsqlConnection conn, string sql, IEnumerable<NpgsqlParameter> parameters)
    {
        var cmd = new NpgsqlCommand(sql, conn);
        foreach (var p in parameters) cmd.Parameters.Add(p.Clone());
        return cmd;
    }
}
