using Tracker.Registry;
using Tracker.Reports.Rendering;
using static Tracker.Reports.Rendering.CsvSql;

namespace Tracker.Reports;

/// <summary>
/// The queries whose rows are the status report's CSV records and the evidence table's, each column as
/// <see cref="StatusFields"/> gives it and <see cref="Csv"/> writes it. They read what the row-by-row reads of
/// <see cref="Portfolio.PortfolioReads"/> read: the status rows on both clocks, the statements' readings known at the
/// instant, and for the cited statements' speakers the people registry as it stood then.
/// </summary>
internal static class CsvCopySql
{
    private const string S = Infrastructure.TrackerHost.MartenSchema;

    /// <summary>A statement's reading as known at <c>@csv_t</c> (the original, or the last correction by then), or now.</summary>
    private static string Reading(bool knownAt) => knownAt
        ? """
          coalesce((select c -> 'after' from jsonb_array_elements(d.data -> 'corrections') with ordinality as x(c, n)
                    where (c -> 'recorded' ->> 'at')::timestamptz <= @csv_t order by n desc limit 1),
                   d.data -> 'original')
          """
        : "d.data -> 'current'";

    /// <summary>
    /// The reading (<c>r</c>) of a statement of the row's agreement, by its id; none when the store has no such
    /// statement. A lateral lookup, so that PostgreSQL reads it by key however many statements it guesses a row cites.
    /// </summary>
    private static string Document(string id, bool knownAt) =>
        $"select {Reading(knownAt)} as r from {S}.mt_doc_statemententry d " +
        $"where d.id = (m.agreement_id || '/' || {id}) collate \"default\" limit 1";

    /// <summary>
    /// The export-ready reading (<c>rd</c>) of a cited statement <c>c</c> of the row <c>m</c>, as known at <c>@csv_t</c>, or
    /// now (migrations/0028_statement-readings.sql: one row per reading, kept beside the statement documents); none when the
    /// store has no such statement. A lateral lookup by key: joined, PostgreSQL read every reading of the agreement per record.
    /// </summary>
    private static string Readings(bool knownAt) =>
        $"cross join lateral (select * from {S}.statement_readings rd where rd.agreement_id = m.agreement_id and rd.statement_id = c.id::uuid and " +
        (knownAt ? "rd.known_from <= @csv_t and rd.known_to > @csv_t" : "rd.known_to = 'infinity'") + " limit 1) rd";

    /// <summary>
    /// The statuses that match, with their agreement's title and parties, in report order. The status is read whole
    /// once (<c>|| jsonb_build_object()</c>) and the subquery fenced (<c>offset 0</c>): a compressed JSON value referred to twenty times
    /// would otherwise be decompressed twenty times.
    /// </summary>
    private static string Matching(string where) => $"""
        select s.agreement_id, s.ordinal, a.title, a.parties, s.status || jsonb_build_object() as st
        from {S}.portfolio_status s join {S}.portfolio_agreements a on a.agreement_id = s.agreement_id
        where {where}
        order by s.agreement_id, s.ordinal offset 0
        """;

    /// <summary>
    /// The statements a status cites (<see cref="CitedStatement.CitedBy"/>): supporting, then disputing, each once (a
    /// row's lists hold a statement once each), in that order, with no sort or grouping per record.
    /// </summary>
    private const string CitedIds = """
        select e ->> 'statementId' as id, n as pos from jsonb_array_elements(m.st -> 'evidence') with ordinality as t(e, n)
        union all
        select e ->> 'statementId', 1000000 + n from jsonb_array_elements(m.st -> 'conflicting') with ordinality as t(e, n)
        where not (m.st -> 'evidence') @> jsonb_build_array(jsonb_build_object('statementId', e -> 'statementId'))
        """;

    /// <summary>
    /// The key a reading's speaker is matched by (<see cref="Kernel.NameKey"/>): the search table's, computed when the
    /// statement was written, while the name is the one it holds; else the one the report computed beforehand
    /// (<see cref="NameKeysSql"/>).
    /// </summary>
    private static string SpeakerKey(bool keyed) =>
        "(case when ss.speaker = rd.speaker then ss.speaker_key end)" +
        (keyed ? " , (@csv_name_keys::jsonb ->> rd.speaker)" : "");

    /// <summary>
    /// The speaker's person (<see cref="People.SpeakerPeople"/>): linked by id, else by a key known at the instant; and
    /// for a reading without a role, the role they held on its said-on date (<see cref="People.PersonRecord.RoleOn"/>).
    /// </summary>
    private static string Person(bool knownAt, bool keyed) => $"""
        left join lateral (
            select p.name as person,
                   case when rd.role is null then (
                       select ro.role from {RegistryProjection.PersonRoles} ro
                       where ro.person_id = p.person_id {(knownAt ? "and ro.added_at <= @csv_t" : "")}
                         and (ro.from_date is null or ro.from_date <= {SaidOnStart("rd.said_on")})
                         and (ro.to_date is null or {SaidOnStart("rd.said_on")} <= ro.to_date)
                       order by coalesce(ro.from_date, '0001-01-01'::date) desc, ro.ctid limit 1) end as held
            from (
                select p.person_id, p.name, 0 as route from {RegistryProjection.People} p
                where p.person_id = rd.person_id {(knownAt ? "and p.registered_at <= @csv_t" : "")}
                union all
                (select p.person_id, p.name, 1 from {RegistryProjection.PersonKeys} k
                 join {RegistryProjection.People} p on p.person_id = k.person_id
                 where rd.person_id is null and k.key = coalesce({SpeakerKey(keyed)}) and k.key <> ''
                   and {(knownAt ? "k.added_at <= @csv_t and (k.removed_at is null or k.removed_at > @csv_t)" : "k.removed_at is null")}
                 order by k.added_at desc limit 1)) p
            order by p.route limit 1) pp on true
        """;

    /// <summary>
    /// <see cref="CsvReport.Cited"/> as it stands inside the quoted field (quotes doubled): the stored line when the
    /// registry names nobody; else the registry's name and role as known at the instant, then the stored rest of the line.
    /// </summary>
    private static string CitedLine(bool people)
    {
        if (!people) return "rd.csv_line";
        var speaker = "(case when pp.person is not null and pp.person <> rd.speaker then pp.person || ' [as “' || rd.speaker || '”]' else rd.speaker end)";
        var role = "coalesce(rd.role, pp.held || ', per the registry')";
        return $"c.id || ': ' || replace({SpeakerWithRole(speaker, role, "rd.actor")}, '\"', '\"\"') || rd.csv_tail";
    }

    /// <summary>
    /// The status report's records, in the order of <see cref="CsvReport.StatusColumns"/>. <paramref name="people"/>:
    /// whether the registry knew anyone at the instant (without, no speaker can be matched, and nothing is looked up);
    /// <paramref name="keyed"/>: whether the parameter csv_name_keys holds speakers' keys.
    /// </summary>
    public static string Status(string where, bool knownAt, bool people, bool keyed)
    {
        var speakers = people
            ? $"left join {Search.StatementSearchProjection.Table} ss on ss.agreement_id = m.agreement_id and ss.statement_id = c.id::uuid\n" + Person(knownAt, keyed)
            : "";
        var order = people ? " order by c.pos" : "";
        return $"""
            select concat({Field("v.agreement_id")}, ',', {Field("v.title")}, ',', {Field("v.parties")}, ',', {Field("v.commitment_id")}, ',',
                   {Field("v.commitment_title")}, ',', v.category, ',', v.stage, ',', v.since, ',', {Field("v.evidence")}, ',', v.contested, ',',
                   {Field("v.conflicting")}, ',', v.pledged_amount, ',', {Field("v.pledged_unit")}, ',', v.delivered_amount, ',',
                   {Field("v.delivered_unit")}, ',', v.statement_count, ',', v.last_statement_on, ',', @csv_as_of, ',', @csv_known_at, ',',
                   v.cited_ids, ',', v.cited, ',', v.target_date, ',', v.target_amount, ',', {Field("v.target_unit")}, ',',
                   v.overdue, chr(13), chr(10))
            from ({Matching(where)}) m
            cross join lateral (
                select m.agreement_id, m.title, array_to_string(m.parties, '; ') as parties, m.st ->> 'commitmentId' as commitment_id,
                       m.st ->> 'title' as commitment_title, m.st ->> 'category' as category, coalesce(m.st ->> 'stage', 'none') as stage,
                       m.st ->> 'since' as since, {Cited("m.st -> 'evidence'", "m.st ->> 'evidenceCount'", CsvSql.Evidence)} as evidence,
                       {YesNo("(m.st ->> 'contested')::boolean")} as contested,
                       {Cited("m.st -> 'conflicting'", "m.st ->> 'conflictingCount'", Conflict)} as conflicting,
                       {Amount("m.st -> 'pledged' -> 'quantity' ->> 'amount'")} as pledged_amount,
                       m.st -> 'pledged' -> 'quantity' ->> 'unit' as pledged_unit,
                       {Amount("m.st -> 'delivered' -> 'quantity' ->> 'amount'")} as delivered_amount,
                       m.st -> 'delivered' -> 'quantity' ->> 'unit' as delivered_unit,
                       m.st ->> 'statementCount' as statement_count, m.st ->> 'lastStatementOn' as last_statement_on,
                       coalesce(cited.ids, '') as cited_ids, coalesce(cited.field, '') as cited,
                       m.st ->> 'targetDate' as target_date, {Amount("m.st -> 'target' ->> 'amount'")} as target_amount,
                       m.st -> 'target' ->> 'unit' as target_unit,
                       {YesNo("(m.st ->> 'targetDate')::date < @csv_day and coalesce(m.st ->> 'stage', '') not in ('fulfilled', 'withdrawn', 'rejected')")} as overdue
                from (
                    -- The lines always hold a comma, so the field is always quoted (CitedLine).
                    -- Without the registry the lookups keep the cited order; with it, its joins may not.
                    select string_agg(c.id, '; '{order}) as ids, '"' || string_agg({CitedLine(people)}, chr(10){order}) || '"' as field
                    from ({CitedIds}) c
                    {Readings(knownAt)}
                    {speakers}
                ) cited
                offset 0) v
            order by m.agreement_id, m.ordinal
            """;
    }

    /// <summary>
    /// Speakers' names whose key the search table cannot give (<see cref="SpeakerKey"/>): for a report known at an
    /// instant, the cited readings whose speaker has since been renamed by a correction; always, rows written before
    /// the table kept keys. The report computes their keys and passes them as the parameter csv_name_keys first.
    /// </summary>
    public static string NameKeysSql(string where, bool knownAt) => knownAt
        ? $"""
           select distinct rd.speaker
           from ({Matching(where)}) m
           cross join lateral ({CitedIds}) c
           {Readings(knownAt)}
           left join {Search.StatementSearchProjection.Table} ss on ss.agreement_id = m.agreement_id and ss.statement_id = c.id::uuid
           where rd.person_id is null
             and (ss.speaker_key is null or ss.speaker is distinct from rd.speaker)
           union
           select speaker from {Search.StatementSearchProjection.Table} where speaker_key is null
           """
        : $"select distinct speaker from {Search.StatementSearchProjection.Table} where speaker_key is null";

    /// <summary>Whether the registry knew any person at the instant (now when none).</summary>
    public static string AnyPerson(bool knownAt) => knownAt
        ? $"select exists (select 1 from {RegistryProjection.People} where registered_at <= @csv_t) " +
          $"or exists (select 1 from {RegistryProjection.PersonKeys} where added_at <= @csv_t)"
        : $"select exists (select 1 from {RegistryProjection.People}) or exists (select 1 from {RegistryProjection.PersonKeys})";

    /// <summary>The evidence table's records (<see cref="EvidenceCsv.Columns"/>): per row, its supporting statements, then those disputing it.</summary>
    public static string Evidence(string where, bool knownAt) => $"""
        select concat({Field("m.agreement_id")}, ',', {Field("e.commitment_id")}, ',', {Field("e.title")}, ',', e.stage, ',', e.cites_as, ',',
               e.asserted, ',', e.id, ',', rd.r ->> 'saidOn', ',', {Field("rd.speaker")}, ',', {Field("rd.role")}, ',', {Field("rd.actor")}, ',',
               {Field("rd.place")}, ',', {Field("rd.quote")}, ',', {Field("rd.language")}, ',', {Field("rd.translation")}, ',',
               {Field("rd.outlet")}, ',', rd.r -> 'source' ->> 'kind', ',', {Field("rd.url")}, ',', {Field("rd.archive")}, ',',
               rd.r -> 'source' ->> 'publishedOn', ',', @csv_as_of, ',', @csv_known_at, ',',
               rd.r -> 'source' ->> 'documentId', ',', {Field("rd.pinpoint")}, ',',
               {Field($"(case when c.id is not null then {Agreements.SourceCheck.DescribeSql(knownAt ? "c.drift" : "coalesce(c.drift, dd.drift)")} end)")}, ',',
               '/api/captures/' || encode(c.sha256, 'hex') || '/text', chr(13), chr(10))
        from ({Matching(where)}) m
        cross join lateral (
            select m.st ->> 'commitmentId' as commitment_id, m.st ->> 'title' as title, coalesce(m.st ->> 'stage', 'none') as stage,
                   x.cites_as, x.e ->> 'stage' as asserted, x.e ->> 'statementId' as id, x.k
            from (select 'supports' as cites_as, e, n as k from jsonb_array_elements(m.st -> 'evidence') with ordinality as t(e, n)
                  union all
                  select 'disputes', e, 1000000 + n from jsonb_array_elements(m.st -> 'conflicting') with ordinality as t(e, n)) x
            offset 0) e
        cross join lateral (
            select r, r -> 'speaker' ->> 'name' as speaker, r -> 'speaker' ->> 'role' as role, r -> 'speaker' ->> 'actor' as actor,
                   r ->> 'place' as place, r ->> 'quote' as quote, r ->> 'language' as language, r ->> 'translation' as translation,
                   r -> 'source' ->> 'outlet' as outlet, r -> 'source' ->> 'url' as url, r -> 'source' ->> 'archiveUrl' as archive,
                   nullif(concat_ws(', ', 'p. ' || (r -> 'source' ->> 'page'), '¶ ' || (r -> 'source' ->> 'paragraph')), '') as pinpoint
            from ({Document("e.id", knownAt)}) x
            offset 0) rd
        left join lateral ({Agreements.SourceCheck.LatestSql("m.agreement_id", "e.id::uuid", knownAt ? "@csv_t" : null)}) c on true
        left join {Agreements.SourceCheck.DriftTable} dd on dd.agreement_id = m.agreement_id collate "default" and dd.statement_id = e.id::uuid
        order by m.agreement_id, m.ordinal, e.k
        """;
}
