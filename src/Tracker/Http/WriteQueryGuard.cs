namespace Tracker.Http;

/// <summary>
/// Writes take their input from the route, the body and <c>If-Match</c>, never from the query string: a query
/// parameter on a write (<c>?expectedVersion=5</c>) would be silently ignored, so it is refused, named.
/// </summary>
public sealed class WriteQueryGuard(RequestDelegate next)
{
    public static bool IsWrite(IEnumerable<string> methods) => methods.Any(m => !HttpMethods.IsGet(m) && !HttpMethods.IsHead(m));

    public async Task InvokeAsync(HttpContext http)
    {
        var request = http.Request;
        if (request.Query.Count == 0 || !IsWrite([request.Method]) || !request.Path.StartsWithSegments("/api"))
        {
            await next(http);
            return;
        }
        await Problems.Invalid(request.Query.Keys.Order(StringComparer.Ordinal)
            .Select(key => new Kernel.FieldError(key, string.Equals(key, "expectedVersion", StringComparison.OrdinalIgnoreCase)
                ? ExpectedVersionReason
                : "is not a parameter of this request: writes take no query parameters"))
            .ToList()).ExecuteAsync(http);
    }

    public const string ExpectedVersionReason =
        "is not taken here: send the agreement version you expect as the If-Match header (If-Match: \"5\")";
}
