using System.Data;
using System.Text;
using System.Text.RegularExpressions;
using Npgsql;
using NpgsqlTypes;
using Tracker.Kernel;
using Tracker.Portfolio;
using Tracker.Reports.Rendering;

namespace Tracker.Reports;

/// <summary>
/// The status report's CSV and its evidence table, written by PostgreSQL: one <c>COPY (SELECT …) TO STDOUT</c> whose
/// rows are finished records (<see cref="CsvCopySql"/>), passed on to the output as they arrive; the service renders
/// nothing and holds a buffer, however large the portfolio. The records are byte for byte those of
/// <see cref="CsvReport"/> and <see cref="EvidenceCsv"/> over the same rows (the tests compare the two); the other
/// formats are still rendered row by row.
/// </summary>
public static class CsvCopy
{
    public static Task StatusAsync(NpgsqlDataSource database, Stream output, StatusReportFilter filter, Clocks clocks,
        DateTimeOffset now, CancellationToken ct) =>
        WriteAsync(database, output, CsvReport.StatusColumns, filter, clocks, now, async (conn, where, parameters) =>
        {
            var knownAt = clocks.KnownAt is not null;
            var people = await ScalarAsync<bool>(conn, CsvCopySql.AnyPerson(knownAt), parameters, ct);
            var keyed = people && await NameKeysAsync(conn, CsvCopySql.NameKeysSql(where, knownAt), parameters, ct);
            return CsvCopySql.Status(where, knownAt, people, keyed);
        }, ct);

    public static Task EvidenceAsync(NpgsqlDataSource database, Stream output, StatusReportFilter filter, Clocks clocks,
        DateTimeOffset now, CancellationToken ct) =>
        WriteAsync(database, output, EvidenceCsv.Columns, filter, clocks, now,
            (_, where, _) => Task.FromResult(CsvCopySql.Evidence(where, clocks.KnownAt is not null)), ct);

    /// <summary>The header row, then the records of the query <paramref name="query"/> makes, all in one snapshot.</summary>
    private static async Task WriteAsync(NpgsqlDataSource database, Stream output, IReadOnlyList<string> columns,
        StatusReportFilter filter, Clocks clocks, DateTimeOffset now,
        Func<NpgsqlConnection, string, List<NpgsqlParameter>, Task<string>> query, CancellationToken ct)
    {
        var head = new StatusReportHead(clocks.AsOf, clocks.KnownAt, now, filter, new Dictionary<string, int>());
        await using var conn = await database.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(IsolationLevel.RepeatableRead, ct);
        var parameters = new List<NpgsqlParameter>
        {
            new("csv_day", NpgsqlDbType.Date) { Value = head.Day },
            new("csv_t", NpgsqlDbType.TimestampTz) { Value = (object?)clocks.KnownAt ?? DBNull.Value },
            // Repeated in every record, as the renderer does (StatusFields): empty for "latest" and "now".
            new("csv_as_of", NpgsqlDbType.Text) { Value = Csv.Field(Csv.Text(head.AsOf)) },
            new("csv_known_at", NpgsqlDbType.Text) { Value = Csv.Field(Csv.Text(head.KnownAt)) },
        };
        var where = PortfolioReads.StatusWhere(filter, clocks, head.Day, parameters);
        var sql = await query(conn, where, parameters);
        var copy = $"copy ({await InlineAsync(conn, sql, parameters, ct)}) to stdout (format binary)";
        // Compiling this query takes PostgreSQL's JIT seconds (measured: 2.3 s) for no gain: its work is in functions.
        await using (var jit = new NpgsqlCommand("set local jit = off", conn)) await jit.ExecuteNonQueryAsync(ct);
        var records = new CopyRecords(output);
        await records.WriteAsync(Encoding.UTF8.GetBytes(CsvReport.Record(columns)), ct);
        await using (var raw = await conn.BeginRawBinaryCopyAsync(copy, ct))
            await records.CopyFromAsync(raw, ct);
        await records.FlushAsync(ct);
        await tx.CommitAsync(ct);
    }

    /// <summary>
    /// Computes the keys of the speakers' names the query lists (<see cref="NameKey"/>, which SQL cannot repeat exactly)
    /// into the parameter <c>csv_name_keys</c>, a JSON object from name to key: a value, not a temporary table, so the
    /// export also runs on a read-only standby. False when there were no names.
    /// </summary>
    private static async Task<bool> NameKeysAsync(NpgsqlConnection conn, string namesSql, List<NpgsqlParameter> parameters,
        CancellationToken ct)
    {
        var keys = new Dictionary<string, string>(StringComparer.Ordinal);
        await using (var cmd = Command(conn, namesSql, parameters))
        await using (var reader = await cmd.ExecuteReaderAsync(ct))
            while (await reader.ReadAsync(ct))
                if (!reader.IsDBNull(0) && reader.GetString(0) is var name) keys.TryAdd(name, NameKey.Of(name));
        if (keys.Count == 0) return false;
        parameters.Add(new NpgsqlParameter("csv_name_keys", NpgsqlDbType.Text) { Value = System.Text.Json.JsonSerializer.Serialize(keys) });
        return true;
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlConnection conn, string sql, List<NpgsqlParameter> parameters, CancellationToken ct)
    {
        await using var cmd = Command(conn, sql, parameters);
        return (T)(await cmd.ExecuteScalarAsync(ct))!;
    }

    /// <summary>The command with those of the parameters its text names (the list holds the filter's too).</summary>
    private static NpgsqlCommand Command(NpgsqlConnection conn, string sql, List<NpgsqlParameter> parameters)
    {
        var cmd = new NpgsqlCommand(sql, conn);
        var named = Names(sql);
        foreach (var p in parameters.DistinctBy(p => p.ParameterName).Where(p => named.Contains(p.ParameterName))) cmd.Parameters.Add(p.Clone());
        return cmd;
    }

    private static readonly Regex Placeholder = new(@"(?<![\w@:])@([A-Za-z_][A-Za-z0-9_]*)", RegexOptions.CultureInvariant);

    private static HashSet<string> Names(string sql) =>
        Placeholder.Matches(sql).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);

    /// <summary>
    /// COPY takes no parameters: each is written into the text as a literal that PostgreSQL itself quoted
    /// (<c>quote_nullable</c>), with its type, so that no value can change the query and the plan is the one a
    /// parameterised query would get.
    /// </summary>
    internal static async Task<string> InlineAsync(NpgsqlConnection conn, string sql, List<NpgsqlParameter> parameters,
        CancellationToken ct)
    {
        var named = Names(sql);
        var used = parameters.DistinctBy(p => p.ParameterName).Where(p => named.Contains(p.ParameterName)).ToList();
        var missing = named.Except(used.Select(p => p.ParameterName)).ToList();
        if (missing.Count > 0) throw new InvalidOperationException($"no value for @{string.Join(", @", missing)}");
        if (used.Count == 0) return sql;
        var types = used.Select(TypeOf).ToList();
        await using var cmd = new NpgsqlCommand(
            "select " + string.Join(", ", used.Select((_, i) => $"quote_nullable(${i + 1}::{types[i]}::text)")), conn);
        foreach (var p in used)
        {
            var positional = p.Clone();
            positional.ParameterName = "";
            cmd.Parameters.Add(positional);
        }
        var literals = new Dictionary<string, string>(StringComparer.Ordinal);
        await using (var reader = await cmd.ExecuteReaderAsync(ct))
        {
            await reader.ReadAsync(ct);
            for (var i = 0; i < used.Count; i++) literals[used[i].ParameterName] = $"({reader.GetString(i)}::{types[i]})";
        }
        return Placeholder.Replace(sql, m => literals[m.Groups[1].Value]);
    }

    private static string TypeOf(NpgsqlParameter p) => p.NpgsqlDbType switch
    {
        NpgsqlDbType.Date => "date",
        NpgsqlDbType.TimestampTz => "timestamptz",
        NpgsqlDbType.Text => "text",
        _ => p.Value switch
        {
            string => "text",
            string[] => "text[]",
            bool => "boolean",
            int => "integer",
            long => "bigint",
            DateOnly => "date",
            DateTimeOffset => "timestamptz",
            _ => throw new NotSupportedException($"parameter @{p.ParameterName}: no SQL type for a {p.Value?.GetType().Name ?? "null"}"),
        },
    };
}
