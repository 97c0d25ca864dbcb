using Npgsql;
using Tracker.Infrastructure.Database;
using Tracker.Agreements;
using Tracker.Agreements.Deciding;
using Tracker.Infrastructure;
using Tracker.Kernel;
using Tracker.Portfolio;
using Tracker.Reports;
using Tracker.Reports.Rendering;

namespace Tracker.Following;

/// <summary>
/// What a user asks to follow: at least one field; an entry matches when it matches every field given. Beside what
/// it is about (agreement, commitment, party, category), a follow may ask for a kind of change only — a saved
/// portfolio filter such as "air-defence commitments reaching signed": then only status changes match, and only those
/// that <paramref name="Reaches"/> the stage (from another), or make the commitment overdue or contested (from not).
/// </summary>
public sealed record FollowRequest(string? Agreement = null, string? Commitment = null, string? Party = null, string? Category = null,
    [property: WireVocabulary(typeof(Stage))] string? Reaches = null, bool BecomesOverdue = false, bool BecomesContested = false);

/// <summary>One follow of the caller's: its id (to remove it by) and what it names, as stored (a party as its code).</summary>
public sealed record Follow(Guid Id, string? Agreement, string? Commitment, string? Party, string? Category, DateTimeOffset CreatedAt,
    string? Reaches = null, bool BecomesOverdue = false, bool BecomesContested = false)
{
    /// <summary>The follow in words, as the Following page and the digest list it: "air-defence commitments reaching
    /// signed", "commitments of party FRA becoming contested"; a follow of every change lists what it names.</summary>
    public string Describe()
    {
        var conditions = new[] { Reaches is { } r ? $"reaching {r}" : null, BecomesOverdue ? "becoming overdue" : null,
            BecomesContested ? "becoming contested" : null }.OfType<string>().ToList();
        if (conditions.Count == 0)
            return string.Join(", ", new (string, string?)[]
                    { ("agreement", Agreement), ("commitment", Commitment), ("party", Party), ("category", Category) }
                .Where(p => p.Item2 is not null).Select(p => $"{p.Item1} {p.Item2}"));
        var qualifiers = new[] { Commitment is not null && Category is not null ? $"in {Category}" : null,
            Agreement is { } a ? $"of agreement {a}" : null, Party is { } p ? $"of party {p}" : null }.OfType<string>().ToList();
        var noun = Commitment is { } c ? $"commitment {c}"
            : Category is { } k ? $"{k} commitments"
            : qualifiers.Count == 0 ? "any commitment" : "commitments";
        return string.Join(" ", [noun, .. qualifiers, string.Join(" and ", conditions)]);
    }
}

/// <summary>The watchlists (<c>migrations/0011_watchlists.sql</c>): one row per follow, keyed by its user's name.</summary>
public static class Watchlist
{
    public const string Table = TrackerHost.MartenSchema + ".watchlist";

    /// <summary>Checks and resolves a follow as the feed's filters are (a party code or alias through the registry);
    /// an unknown value is an error naming its field.</summary>
    public static async Task<(List<FieldError> Errors, FollowRequest? Resolved)> ResolveAsync(NpgsqlDataSource dataSource,
        PortfolioReads portfolio, FollowRequest request, CancellationToken ct)
    {
        // Text the database cannot compare (U+0000, lone surrogates, control characters) goes no further than here.
        var errors = StorableText.Problems(("agreement", request.Agreement), ("commitment", request.Commitment),
            ("party", request.Party), ("category", request.Category), ("reaches", request.Reaches));
        if (errors.Count > 0) return (errors, null);
        string? Given(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
        var (agreement, commitment, party, category) = (Given(request.Agreement), Given(request.Commitment), Given(request.Party), Given(request.Category));
        var reaches = Given(request.Reaches);
        if (agreement is null && commitment is null && party is null && category is null && reaches is null
            && !request.BecomesOverdue && !request.BecomesContested)
        {
            errors.Add(new FieldError("agreement",
                "name at least one of agreement, commitment, party or category to follow, or a change (reaches, becomesOverdue, becomesContested)"));
            return (errors, null);
        }
        var checks = new Checks();
        Stage? stage = reaches is null ? null : checks.Vocabulary<Stage>("reaches", reaches, out var s) ? s : null;
        errors.AddRange(checks.Errors);
        var (filterErrors, status) = await ReportRequests.ParseStatusAsync(dataSource, new StatusFilterText(agreement, party, category),
            null, null, null, ReportFormat.Json, ct);
        errors.AddRange(filterErrors);
        await portfolio.CheckAgreementAsync(status?.Filter, errors, ct);
        if (commitment is not null && !errors.Any(e => e.Field == "agreement") && !await CommitmentExistsAsync(dataSource, agreement, commitment, ct))
            errors.Add(new FieldError("commitment", agreement is null
                ? $"no agreement has a commitment '{commitment}'"
                : $"agreement '{agreement}' has no commitment '{commitment}'"));
        if (errors.Count > 0) return (errors, null);
        var f = status!.Filter;
        return (errors, new FollowRequest(f.Agreement, commitment, f.Party, f.Category is { } c ? Vocabulary.NameOf(c) : null,
            stage is { } reached ? reached.Name() : null, request.BecomesOverdue, request.BecomesContested));
    }

    private static async Task<bool> CommitmentExistsAsync(NpgsqlDataSource dataSource, string? agreement, string commitment, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand($"""
            select exists (select 1 from {PortfolioRows.Status}
                           where commitment_id = @c and (@a::text is null or agreement_id = @a::text))
            """);
        cmd.Parameters.AddWithValue("c", commitment);
        cmd.Parameters.Add(new NpgsqlParameter("a", NpgsqlTypes.NpgsqlDbType.Text) { Value = (object?)agreement ?? DBNull.Value });
        return (bool)(await cmd.ExecuteScalarAsync(ct))!;
    }

    /// <summary>Follows one user may have: what they follow is matched against every change their pages and feeds read.</summary>
    public const int MaxPerUser = 500;

    /// <summary>Stores the follow for the user; false (and the existing follow) when they follow exactly this already;
    /// false and no follow when they already have <see cref="MaxPerUser"/> (nothing is stored).</summary>
    public static async Task<(bool Added, Follow? Follow)> AddAsync(NpgsqlDataSource dataSource, string user, FollowRequest f, CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        // The user's lock first: a second request for the same follow waits, then finds it.
        var room = await PerUserLimit.HasRoomAsync(conn, tx, Table, user, MaxPerUser, ct);
        if (await FindAsync(conn, user, f, ct) is { } existing) return (false, existing);
        if (!room) return (false, null);
        await using (var insert = new NpgsqlCommand($"""
            insert into {Table} (id, user_name, agreement_id, commitment_id, party, category, reaches, becomes_overdue,
                                 becomes_contested, created_at)
            values (@id, @u, @a, @c, @p, @k, @r, @o, @x, now())
            """, conn, tx))
        {
            insert.Parameters.AddWithValue("id", Guid.CreateVersion7());
            AddKey(insert, user, f);
            await insert.ExecuteNonQueryAsync(ct);
        }
        var added = await FindAsync(conn, user, f, ct);
        await tx.CommitAsync(ct);
        return (true, added);
    }

    private static async Task<Follow?> FindAsync(NpgsqlConnection conn, string user, FollowRequest f, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand($"""
            {Select} where user_name = @u and coalesce(agreement_id, '') = coalesce(@a, '') and coalesce(commitment_id, '') = coalesce(@c, '')
              and coalesce(party, '') = coalesce(@p, '') and coalesce(category, '') = coalesce(@k, '')
              and coalesce(reaches, '') = coalesce(@r, '') and becomes_overdue = @o and becomes_contested = @x
            """, conn);
        AddKey(cmd, user, f);
        return (await ReadAsync(cmd, ct)).SingleOrDefault();
    }

    public static async Task<IReadOnlyList<Follow>> ListAsync(NpgsqlDataSource dataSource, string user, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand($"{Select} where user_name = @u order by created_at, id");
        cmd.Parameters.AddWithValue("u", user);
        return await ReadAsync(cmd, ct);
    }

    /// <summary>Removes one of the user's own follows; false when there is none with this id for this user.</summary>
    public static async Task<bool> RemoveAsync(NpgsqlDataSource dataSource, string user, Guid id, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand($"delete from {Table} where id = @id and user_name = @u");
        cmd.Parameters.AddWithValue("id", id);
        cmd.Parameters.AddWithValue("u", user);
        return await cmd.ExecuteNonQueryAsync(ct) == 1;
    }

    private const string Select =
        $"select id, agreement_id, commitment_id, party, category, created_at, reaches, becomes_overdue, becomes_contested from {Table}";

    /// <summary>
    /// Whether the change-log entry <c>f</c> (<see cref="ChangeLog.Table"/>) lies within the agreement, category and
    /// party a row names (null: any): the scope a follow (<see cref="Matches"/>) and a webhook subscription share.
    /// </summary>
    public static string InScope(string row) => $"""
        ({row}.agreement_id is null or {row}.agreement_id = f.agreement_id)
        and ({row}.category is null or f.categories @> array[{row}.category])
        and ({row}.party is null or f.agreement_id in
             (select agreement_id from {PortfolioRows.Agreements} where parties @> array[{row}.party]))
        """;

    /// <summary>
    /// Whether the follow <c>w</c> (a row of <see cref="Table"/>) matches the change-log entry <c>f</c>
    /// (<see cref="ChangeLog.Table"/>): every field it names, and the change it asks for, if any, read from the entry's
    /// before and after (a status change only; a commitment with no status before had no stage and was neither).
    /// </summary>
    public static readonly string Matches = InScope("w") + $"""
        and (w.commitment_id is null or w.commitment_id = f.commitment_id)
        and (w.reaches is null or (f.kind = '{ChangeLog.Kinds.StatusChanged}' and f.after ->> 'stage' = w.reaches
                                   and (f.before ->> 'stage') is distinct from w.reaches))
        and (not w.becomes_overdue or (f.kind = '{ChangeLog.Kinds.StatusChanged}' and (f.after ->> 'overdue')::boolean
                                       and not coalesce((f.before ->> 'overdue')::boolean, false)))
        and (not w.becomes_contested or (f.kind = '{ChangeLog.Kinds.StatusChanged}' and (f.after ->> 'contested')::boolean
                                         and not coalesce((f.before ->> 'contested')::boolean, false)))
        """;

    private static void AddKey(NpgsqlCommand cmd, string user, FollowRequest f)
    {
        cmd.Parameters.AddWithValue("u", user);
        foreach (var (name, value) in new[] { ("a", f.Agreement), ("c", f.Commitment), ("p", f.Party), ("k", f.Category), ("r", f.Reaches) })
            cmd.Parameters.Add(new NpgsqlParameter(name, NpgsqlTypes.NpgsqlDbType.Text) { Value = (object?)value ?? DBNull.Value });
        cmd.Parameters.AddWithValue("o", f.BecomesOverdue);
        cmd.Parameters.AddWithValue("x", f.BecomesContested);
    }

    private static async Task<List<Follow>> ReadAsync(NpgsqlCommand cmd, CancellationToken ct)
    {
        var follows = new List<Follow>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        string? Text(int i) => reader.IsDBNull(i) ? null : reader.GetString(i);
        while (await reader.ReadAsync(ct))
            follows.Add(new Follow(reader.GetGuid(0), Text(1), Text(2), Text(3), Text(4), reader.GetFieldValue<DateTimeOffset>(5),
                Text(6), reader.GetBoolean(7), reader.GetBoolean(8)));
        return follows;
    }
}
