using Npgsql;
using Tracker.Agreements;
using Tracker.Http;
using Tracker.Kernel;

namespace Tracker.Registry.People;

public sealed record PersonSummary(string PersonId, string Name, IReadOnlyList<string> Aliases);

/// <summary>A statement by the person; <see cref="RoleOnDate"/> is the role they held when it was said, from the registry.
/// <see cref="Review"/>: where a statement was proposed under four-eyes review and does not count (yet), where its
/// proposal stands (awaiting, returned, rejected); absent for a statement that counts.</summary>
public sealed record PersonStatement(string AgreementId, Guid StatementId, string SaidOn, string SpokenAs, string? Role,
    string? RoleOnDate, string? Actor, string Quote, IReadOnlyList<string> CommitmentIds, bool Retracted,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    string? Review = null);

public sealed record PersonDetails(PersonSummary Person, IReadOnlyList<PersonRole> Roles, string? Notes, DateTimeOffset RegisteredAt,
    string? RegisteredBy, PageOf<PersonStatement> Statements);

/// <summary>Reads of the people registry, answered by PostgreSQL.</summary>
public sealed class PeopleReads(NpgsqlDataSource dataSource)
{
    public async Task<PageOf<PersonSummary>> SearchAsync(string? q, Paging paging, CancellationToken ct)
    {
        var key = q is null ? "" : NameKey.Of(q);
        await using var cmd = dataSource.CreateCommand($"""
            select person_id, name, aliases, count(*) over () from {RegistryProjection.People}
            where $1 = '' or search like '%' || $1 || '%'
            order by (' ' || search) like ('% ' || $1 || '%') desc, name, person_id limit $2 offset $3
            """);
        cmd.Parameters.Add(new() { Value = key });
        cmd.Parameters.Add(new() { Value = paging.Size });
        cmd.Parameters.Add(new() { Value = paging.Offset });
        var items = new List<PersonSummary>();
        var total = 0;
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            items.Add(new PersonSummary(reader.GetString(0), reader.GetString(1), reader.GetFieldValue<string[]>(2)));
            total = (int)reader.GetInt64(3);
        }
        return new PageOf<PersonSummary>(items, paging.Page, paging.Size, total);
    }

    /// <summary>
    /// A person with their roles and every statement they made: linked by id, or spoken under any of their names and
    /// aliases (as matched: case and accents folded), newest first.
    /// </summary>
    public async Task<PersonDetails?> FindAsync(string personId, Paging paging, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var batch = new NpgsqlBatch(connection)
        {
            BatchCommands =
            {
                new($"select person_id, name, aliases, notes, registered_at, registered_by from {RegistryProjection.People} where person_id = $1")
                    { Parameters = { new() { Value = personId } } },
                new($"select role, actor, from_date, to_date from {RegistryProjection.PersonRoles} where person_id = $1 order by from_date nulls first, added_at")
                    { Parameters = { new() { Value = personId } } },
                new($"""
                    select agreement_id, statement_id, said_on, speaker, role, actor, quote, commitment_ids, retracted, count(*) over (),
                           case when counted then null else review end
                    from {Search.StatementSearchProjection.Table}
                    where person_id = $1 or (person_id is null and speaker_key in
                        (select key from {RegistryProjection.PersonKeys} where person_id = $1 and removed_at is null))
                    order by recorded_at desc, agreement_id, statement_id limit $2 offset $3
                    """) { Parameters = { new() { Value = personId }, new() { Value = paging.Size }, new() { Value = paging.Offset } } },
            },
        };
        await using var reader = await batch.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct)) return null;
        var person = new PersonSummary(reader.GetString(0), reader.GetString(1), reader.GetFieldValue<string[]>(2));
        var notes = reader.IsDBNull(3) ? null : reader.GetString(3);
        var registeredAt = reader.GetFieldValue<DateTimeOffset>(4);
        var registeredBy = reader.IsDBNull(5) ? null : reader.GetString(5);
        await reader.NextResultAsync(ct);
        var roles = new List<PersonRole>();
        while (await reader.ReadAsync(ct))
            roles.Add(new PersonRole(reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1),
                reader.IsDBNull(2) ? null : reader.GetFieldValue<DateOnly>(2), reader.IsDBNull(3) ? null : reader.GetFieldValue<DateOnly>(3)));
        var record = new PersonRecord { PersonId = person.PersonId, Name = person.Name, Roles = roles };
        await reader.NextResultAsync(ct);
        var statements = new List<PersonStatement>();
        var total = 0;
        while (await reader.ReadAsync(ct))
        {
            var saidOn = reader.GetString(2);
            var roleOnDate = SaidOn.TryParse(saidOn, out var said) ? record.RoleOn(said.Start)?.Role : null;
            statements.Add(new PersonStatement(reader.GetString(0), reader.GetGuid(1), saidOn, reader.GetString(3),
                reader.IsDBNull(4) ? null : reader.GetString(4), roleOnDate, reader.IsDBNull(5) ? null : reader.GetString(5),
                reader.GetString(6), reader.GetFieldValue<string[]>(7), reader.GetBoolean(8), reader.IsDBNull(10) ? null : reader.GetString(10)));
            total = (int)reader.GetInt64(9);
        }
        return new PersonDetails(person, roles, notes, registeredAt, registeredBy,
            new PageOf<PersonStatement>(statements, paging.Page, paging.Size, total));
    }
}
