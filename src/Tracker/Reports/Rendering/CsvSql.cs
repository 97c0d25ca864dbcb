namespace Tracker.Reports.Rendering;

/// <summary>
/// The CSV renderer's rules (<see cref="Csv"/>, <see cref="ReportText"/>) written again as SQL expressions, so that
/// PostgreSQL can produce a report's records byte for byte as the C# renderer would (tests hold the two together).
/// Each function takes SQL expressions and answers one; an argument used more than once should be a plain column.
/// </summary>
public static class CsvSql
{
    /// <summary>
    /// <see cref="Csv.Field"/>: empty for null; an apostrophe before text a spreadsheet would run as a formula; quoted,
    /// its quotes doubled, when it holds a comma, quote, CR or LF. <paramref name="x"/> is used several times.
    /// </summary>
    public static string Field(string x) => $"""
        (case when {x} ~ '[,"\r\n]' then '"' || replace({Guarded(x)}, '"', '""') || '"' else coalesce({Guarded(x)}, '') end)
        """;

    private static string Guarded(string x) =>
        $"(case when left({x}, 1) in ('=', '+', '@', chr(9), chr(13)) or (left({x}, 1) = '-' and not {IsDecimal(x)}) then '''' || {x} else {x} end)";

    /// <summary>
    /// Whether text starting with '-' is a number <see cref="decimal.TryParse(string, System.Globalization.NumberStyles, IFormatProvider, out decimal)"/>
    /// takes with <see cref="System.Globalization.NumberStyles.Number"/> (invariant): digits with thousands commas
    /// after the first digit and before the point, an optional fraction, trailing white space; within decimal's range.
    /// </summary>
    private static string IsDecimal(string x) => $"""
        (case when {x} ~ '^-([0-9][0-9,]*(\.[0-9]*)?|\.[0-9]+)[ \t\n\v\f\r]*$'
              then abs(replace(rtrim({x}, ' ' || chr(9) || chr(10) || chr(11) || chr(12) || chr(13)), ',', '')::numeric)
                   <= 79228162514264337593543950335
              else false end)
        """;

    /// <summary><see cref="ReportText.Amount"/> of a JSON number: trailing zeros dropped, no separators.</summary>
    public static string Amount(string json) => $"trim_scale(({json})::numeric)::text";

    /// <summary><see cref="ReportText.YesNo"/>.</summary>
    public static string YesNo(string condition) => $"(case when {condition} then 'yes' else 'no' end)";

    /// <summary>Empty text as absent, as the renderer's <c>{ Length: > 0 }</c> tests read it.</summary>
    public static string Given(string x) => $"coalesce({x}, '') <> ''";

    /// <summary>
    /// <see cref="ReportText.Cited"/> joined by "; ": the lines of a JSON array in order, and after the first, when the
    /// array shows fewer than <paramref name="count"/>, "… 1,190 more …". Aggregated in the order the array's elements
    /// come, with no sort: a sort per record cost more than the rest of the record's fields.
    /// </summary>
    public static string Cited(string array, string count, Func<string, string> line) => $"""
        coalesce((select string_agg({line("x.e")} || case when x.n = 1 and ({count})::int > jsonb_array_length({array})
                  then '; … ' || to_char(({count})::int - jsonb_array_length({array}), 'FM999,999,999,999,990') || ' more …' else '' end, '; ')
                  from jsonb_array_elements({array}) with ordinality as x(e, n)), '')
        """;

    /// <summary><see cref="ReportText.Evidence"/> of an evidence reference (JSON): "Speaker (ACT), Outlet, 2025-06".</summary>
    public static string Evidence(string e) =>
        $"concat({e} ->> 'speaker', case when {Given($"{e} ->> 'actor'")} then ' (' || ({e} ->> 'actor') || ')' end, " +
        $"', ', {e} ->> 'outlet', ', ', {e} ->> 'saidOn')";

    /// <summary><see cref="ReportText.Conflict"/>: the evidence, then the stage it asserts.</summary>
    public static string Conflict(string e) => $"concat({Evidence(e)}, ': says ', {e} ->> 'stage')";

    /// <summary><see cref="ReportText.SpeakerWithRole(string, string?, string?)"/>.</summary>
    public static string SpeakerWithRole(string speaker, string role, string actor) => $"""
        (case when {Given(role)} and {Given(actor)} then {speaker} || ' (' || {role} || ', ' || {actor} || ')'
              when {Given(role)} then {speaker} || ' (' || {role} || ')'
              when {Given(actor)} then {speaker} || ' (' || {actor} || ')'
              else {speaker} end)
        """;

    /// <summary>The first day of a said-on date in its own precision (2025-06-05, 2025-06 or 2025).</summary>
    public static string SaidOnStart(string text) =>
        $"(case length({text}) when 10 then ({text})::date when 7 then ({text} || '-01')::date else ({text} || '-01-01')::date end)";
}
