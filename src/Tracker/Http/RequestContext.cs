using System.Globalization;
using System.Security.Claims;
using Tracker.Agreements.Deciding;
using Tracker.Agreements.Storage;
using Tracker.Kernel;

namespace Tracker.Http;

/// <summary>What every request carries besides its body: the author, the expected version, the two clocks.</summary>
public static class RequestContext
{
    public const string CorrelationHeader = "X-Correlation-ID";

    public static Author Author(this HttpContext http) => new(
        http.User.Identity?.Name ?? throw new InvalidOperationException("writes require an authenticated user"),
        http.Request.Headers[CorrelationHeader].FirstOrDefault() is { Length: > 0 and <= 200 } id ? id : http.TraceIdentifier);

    /// <summary>The <c>If-Match</c> header (<c>"5"</c> or <c>5</c>): over HTTP the only expected version (<see cref="RequestBodyGuard"/> refuses one in the body).</summary>
    public static bool TryExpectedVersion(this HttpContext http, long? fromBody, List<FieldError> errors, out long? version)
    {
        version = fromBody;
        var header = http.Request.Headers.IfMatch.FirstOrDefault();
        if (string.IsNullOrWhiteSpace(header)) return true;
        var text = header.Trim().Trim('"');
        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var v))
        {
            version = v;
            return true;
        }
        errors.Add(new FieldError("If-Match", $"'{header}' is not an agreement version (a whole number)"));
        return false;
    }

    /// <summary>Parses <c>asOf</c> (valid time, a date) and <c>knownAt</c> (record time, an ISO 8601 instant).</summary>
    public static List<FieldError> ParseClocks(string? asOf, string? knownAt, out Clocks clocks)
    {
        var errors = new List<FieldError>();
        clocks = new Clocks(ParseDate(asOf, "asOf", errors), ParseInstant(knownAt, "knownAt", errors));
        return errors;
    }

    /// <summary>An optional date parameter (YYYY-MM-DD).</summary>
    public static DateOnly? ParseDate(string? text, string field, List<FieldError> errors)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)) return date;
        errors.Add(new FieldError(field, $"'{text}' is not a date (YYYY-MM-DD)"));
        return null;
    }

    /// <summary>An optional instant parameter; a bare date is the end of that day (UTC), or its start when asked.</summary>
    public static DateTimeOffset? ParseInstant(string? text, string field, List<FieldError> errors, bool dateMeansStart = false)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        if (TryParseInstant(text.Trim(), dateMeansStart, out var t)) return t;
        errors.Add(new FieldError(field,
            $"'{text}' is not an ISO 8601 instant (e.g. 2025-06-30T12:00:00Z) or date (2025-06-30, UTC)"));
        return null;
    }

    private static readonly string[] InstantFormats =
    [
        "yyyy-MM-dd'T'HH:mmK", "yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK",
        "yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF",
    ];

    /// <summary>
    /// ISO 8601 only (never a locale's 06/07/2025); without an offset, UTC. A bare date means the end of that day
    /// (UTC): "what did we know on June 30" includes what was recorded during June 30; as the start of a range, its start.
    /// </summary>
    public static bool TryParseInstant(string text, bool dateMeansStart, out DateTimeOffset instant)
    {
        const DateTimeStyles utc = DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal;
        if (DateTimeOffset.TryParseExact(text, InstantFormats, CultureInfo.InvariantCulture, utc, out instant)) return true;
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            instant = new DateTimeOffset(day.ToDateTime(dateMeansStart ? TimeOnly.MinValue : TimeOnly.MaxValue), TimeSpan.Zero);
            return true;
        }
        return false;
    }

    public static string? Role(this ClaimsPrincipal user) => user.FindFirst(ClaimTypes.Role)?.Value;
}
