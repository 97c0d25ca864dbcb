using Npgsql;
using Tracker.Agreements;
using Tracker.Http;
using Tracker.Kernel;

namespace Tracker.Registry.Actors;

public sealed record ActorSummary(string ActorId, string Kind, string Name, string? Country, DateOnly? ValidFrom, DateOnly? ValidTo,
    IReadOnlyList<string> Aliases, string? EventCode, string? MergedInto, bool Builtin);

public sealed record ActorAgreement(string AgreementId, string Title, IReadOnlyList<string> Parties);

/// <summary>A statement spoken for the actor (its speaker's actor is the actor or one of its units).
/// <see cref="Review"/>: where a statement was proposed under four-eyes review and does not count (yet), where its
/// proposal stands (awaiting, returned, rejected); absent for a statement that counts.</summary>
public sealed record ActorStatement(string AgreementId, Guid StatementId, string SaidOn, string Speaker, string? Role, string Actor,
    string Quote, IReadOnlyList<string> CommitmentIds, bool Retracted,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    string? Review = null);

public sealed record ActorDetails(ActorSummary Actor, string? Notes, DateTimeOffset? RegisteredAt, string? RegisteredBy,
    PageOf<ActorAgreement> Agreements, PageOf<ActorStatement> Statements);

/// <summary>Reads of the actor registry, answered by PostgreSQL (search by trigram index; pages).</summary>
public sealed class ActorReads(NpgsqlDataSource dataSource)
{
    private const string Columns = "actor_id, kind, name, country, valid_from, valid_to, aliases, event_code, notes, merged_into, builtin";

    /// <summary>Actors whose code, name or alias contains the text (any script, case and accents folded), best first.</summary>
    public async Task<PageOf<ActorSummary>> SearchAsync(string? q, ActorKind? kind, Paging paging, CancellationToken ct)
    {
        var key = q is null ? "" : NameKey.Of(q);
        await using var cmd = dataSource.CreateCommand($"""
            select {Columns}, count(*) over () from {RegistryReads.Directory}
            where ($1 = '' or search like '%' || $1 || '%') and ($2::text is null or kind = $2)
            order by (lower(actor_id) = $1) desc, (search like $1 || '%') desc, (' ' || search) like ('% ' || $1 || '%') desc, actor_id
            limit $3 offset $4
            """);
        cmd.Parameters.Add(new() { Value = key });
        cmd.Parameters.Add(new() { Value = kind is { } k ? Vocabulary.NameOf(k) : DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        cmd.Parameters.Add(new() { Value = paging.Size });
        cmd.Parameters.Add(new() { Value = paging.Offset });
        var items = new List<ActorSummary>();
        var total = 0;
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            items.Add(Summary(reader));
            total = (int)reader.GetInt64(11);
        }
        if (items.Count == 0 && paging.Offset > 0) total = await CountAsync(key, kind, ct);
        return new PageOf<ActorSummary>(items, paging.Page, paging.Size, total);
    }

    private async Task<int> CountAsync(string key, ActorKind? kind, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand(
            $"select count(*) from {RegistryReads.Directory} where ($1 = '' or search like '%' || $1 || '%') and ($2::text is null or kind = $2)");
        cmd.Parameters.Add(new() { Value = key });
        cmd.Parameters.Add(new() { Value = kind is { } k ? Vocabulary.NameOf(k) : DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        return (int)(long)(await cmd.ExecuteScalarAsync(ct))!;
    }

    private static ActorSummary Summary(NpgsqlDataReader r) => new(r.GetString(0), r.GetString(1), r.GetString(2),
        r.IsDBNull(3) ? null : r.GetString(3), r.IsDBNull(4) ? null : r.GetFieldValue<DateOnly>(4),
        r.IsDBNull(5) ? null : r.GetFieldValue<DateOnly>(5), r.GetFieldValue<string[]>(6), r.IsDBNull(7) ? null : r.GetString(7),
        r.IsDBNull(9) ? null : r.GetString(9), r.GetBoolean(10));

    /// <summary>One actor with the agreements it is a party to and the statements spoken for it (or a unit of it), paged.</summary>
    public async Task<ActorDetails?> FindAsync(string actorId, Paging paging, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var batch = new NpgsqlBatch(connection)
        {
            BatchCommands =
            {
                new($"""
                    select {string.Join(", ", Columns.Split(", ").Select(c => "d." + c))}, r.registered_at, r.registered_by
                    from {RegistryReads.Directory} d left join {RegistryProjection.Actors} r on r.actor_id = d.actor_id
                    where d.actor_id = $1
                    """) { Parameters = { new() { Value = actorId } } },
                new($"""
                    select agreement_id, title, parties, count(*) over () from {Portfolio.PortfolioRows.Agreements}
                    where parties @> array[$1]::text[] order by agreement_id limit $2 offset $3
                    """) { Parameters = { new() { Value = actorId }, new() { Value = paging.Size }, new() { Value = paging.Offset } } },
                new($"""
                    select agreement_id, statement_id, said_on, speaker, role, actor, quote, commitment_ids, retracted, count(*) over (),
                           case when counted then null else review end
                    from {Search.StatementSearchProjection.Table}
                    where actor = $1 or actor like $1 || '-%' order by recorded_at desc, agreement_id, statement_id limit $2 offset $3
                    """) { Parameters = { new() { Value = actorId }, new() { Value = paging.Size }, new() { Value = paging.Offset } } },
            },
        };
        await using var reader = await batch.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct)) return null;
        var summary = Summary(reader);
        var notes = reader.IsDBNull(8) ? null : reader.GetString(8);
        DateTimeOffset? registeredAt = reader.IsDBNull(11) ? null : reader.GetFieldValue<DateTimeOffset>(11);
        var registeredBy = reader.IsDBNull(12) ? null : reader.GetString(12);
        await reader.NextResultAsync(ct);
        var agreements = new List<ActorAgreement>();
        var agreementTotal = 0;
        while (await reader.ReadAsync(ct))
        {
            agreements.Add(new ActorAgreement(reader.GetString(0), reader.GetString(1), reader.GetFieldValue<string[]>(2)));
            agreementTotal = (int)reader.GetInt64(3);
        }
        await reader.NextResultAsync(ct);
        var statements = new List<ActorStatement>();
        var statementTotal = 0;
        while (await reader.ReadAsync(ct))
        {
            statements.Add(new ActorStatement(reader.GetString(0), reader.GetGuid(1), reader.GetString(2), reader.GetString(3),
                reader.IsDBNull(4) ? null : reader.GetString(4), reader.GetString(5), reader.GetString(6),
                reader.GetFieldValue<string[]>(7), reader.GetBoolean(8), reader.IsDBNull(10) ? null : reader.GetString(10)));
            statementTotal = (int)reader.GetInt64(9);
        }
        return new ActorDetails(summary, notes, registeredAt, registeredBy,
            new PageOf<ActorAgreement>(agreements, paging.Page, paging.Size, agreementTotal),
            new PageOf<ActorStatement>(statements, paging.Page, paging.Size, statementTotal));
    }
}
