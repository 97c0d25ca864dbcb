using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Tracker.Agreements;

/// <summary>
/// When something was said, to the precision the source gives: <c>2025-06-05</c>, <c>2025-06</c> or <c>2025</c>.
/// An imprecise date sorts at its first day and counts for "as of" only from its last day
/// (we cannot claim a statement dated "June 2025" was said by June 10).
/// </summary>
[JsonConverter(typeof(SaidOnJsonConverter))]
public readonly record struct SaidOn(DateOnly Start, DatePrecision Precision) : IComparable<SaidOn>
{
    public DateOnly End => Precision switch
    {
        DatePrecision.Day => Start,
        DatePrecision.Month => Start.AddMonths(1).AddDays(-1),
        _ => Start.AddYears(1).AddDays(-1),
    };

    public static SaidOn Day(int year, int month, int day) => new(new DateOnly(year, month, day), DatePrecision.Day);

    public bool IsKnownBy(DateOnly asOf) => End <= asOf;

    public int CompareTo(SaidOn other)
    {
        var byStart = Start.CompareTo(other.Start);
        // Same first day: the more precise date is the better-placed one, so it sorts first.
        return byStart != 0 ? byStart : ((int)Precision).CompareTo((int)other.Precision);
    }

    public override string ToString() => Precision switch
    {
        DatePrecision.Day => Start.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        DatePrecision.Month => Start.ToString("yyyy-MM", CultureInfo.InvariantCulture),
        _ => Start.ToString("yyyy", CultureInfo.InvariantCulture),
    };

    public static bool TryParse(string? text, out SaidOn value)
    {
        value = default;
        if (string.IsNullOrWhiteSpace(text)) return false;
        var inv = CultureInfo.InvariantCulture;
        switch (text.Length)
        {
            case 10 when DateOnly.TryParseExact(text, "yyyy-MM-dd", inv, DateTimeStyles.None, out var d):
                value = new SaidOn(d, DatePrecision.Day);
                return true;
            case 7 when DateOnly.TryParseExact(text + "-01", "yyyy-MM-dd", inv, DateTimeStyles.None, out var m):
                value = new SaidOn(m, DatePrecision.Month);
                return true;
            case 4 when int.TryParse(text, NumberStyles.None, inv, out var y) && y is >= 1 and <= 9999:
                value = new SaidOn(new DateOnly(y, 1, 1), DatePrecision.Year);
                return true;
            default:
                return false;
        }
    }

    public static SaidOn Parse(string text) =>
        TryParse(text, out var v) ? v : throw new FormatException($"'{text}' is not a date: use YYYY-MM-DD, YYYY-MM or YYYY.");
}

public sealed class SaidOnJsonConverter : JsonConverter<SaidOn>
{
    public override SaidOn Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var text = reader.GetString();
        return SaidOn.TryParse(text, out var value)
            ? value
            : throw new JsonException($"'{text}' is not a date: use YYYY-MM-DD, YYYY-MM or YYYY.");
    }

    public override void Write(Utf8JsonWriter writer, SaidOn value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.ToString());
}
