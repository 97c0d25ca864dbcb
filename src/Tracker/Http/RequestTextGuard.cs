using Tracker.Agreements.Deciding;
using Tracker.Kernel;

namespace Tracker.Http;

/// <summary>
/// Query and route values that could not be stored or compared (U+0000, lone surrogates, control characters) are a
/// 400 naming the parameter, before any endpoint passes them to PostgreSQL, which would refuse them with a 500.
/// </summary>
public sealed class RequestTextGuard(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext http)
    {
        var errors = new List<FieldError>();
        foreach (var (key, values) in http.Request.Query)
        {
            if (StorableText.Problem(key) is { } badKey) errors.Add(new FieldError("query", $"a parameter name {badKey}"));
            foreach (var value in values)
                if (value is not null && StorableText.Problem(value) is { } problem) errors.Add(new FieldError(key, problem));
        }
        foreach (var (key, value) in http.Request.RouteValues)
            if (value is string text && StorableText.Problem(text) is { } problem) errors.Add(new FieldError(key, problem));

        if (errors.Count > 0)
        {
            await Problems.Invalid(errors).ExecuteAsync(http);
            return;
        }
        await next(http);
    }
}
