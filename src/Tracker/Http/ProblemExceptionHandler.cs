using JasperFx;
using Microsoft.AspNetCore.Diagnostics;
using Tracker.Agreements.Deciding;

namespace Tracker.Http;

/// <summary>
/// Turns what escapes an endpoint into a ProblemDetails response: oversized bodies get 413 (bodies are
/// otherwise checked by <see cref="RequestBodyGuard"/>), and anything unexpected a bare 500 — never a stack trace, SQL or an internal type name.
/// </summary>
public sealed class ProblemExceptionHandler(ILogger<ProblemExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken ct)
    {
        var result = exception switch
        {
            BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } => Problems.TooLarge(),
            BadHttpRequestException { StatusCode: StatusCodes.Status415UnsupportedMediaType } => Problems.UnsupportedMediaType(),
            BadHttpRequestException bad => Results.Problem(statusCode: bad.StatusCode, title: "Bad request",
                detail: "The request could not be read."),
            ConcurrencyException => Results.Problem(statusCode: StatusCodes.Status409Conflict, title: "Conflict",
                detail: "Someone else changed this agreement at the same moment; reload and retry."),
            _ => null,
        };
        if (result is null)
        {
            logger.LogError(exception, "Unhandled error on {Method} {Path}", http.Request.Method, http.Request.Path);
            result = Results.Problem(statusCode: StatusCodes.Status500InternalServerError, title: "Unexpected error",
                detail: $"Something went wrong on our side. Reference: {http.TraceIdentifier}");
        }
        await result.ExecuteAsync(http);
        return true;
    }
}
