using Microsoft.AspNetCore.Mvc;
using Tracker.Agreements.Deciding;
using Tracker.Agreements.Storage;
using Tracker.Kernel;

namespace Tracker.Http;

/// <summary>RFC 9457 problem responses, and the mapping of command outcomes onto HTTP.</summary>
public static class Problems
{
    public static IResult Invalid(IReadOnlyList<FieldError> errors) =>
        Results.ValidationProblem(
            errors.GroupBy(e => e.Field).ToDictionary(g => g.Key, g => g.Select(e => e.Reason).ToArray()),
            title: "The request is invalid", detail: string.Join("; ", errors.Select(e => $"{e.Field}: {e.Reason}")));

    public static IResult Invalid(string field, string reason) => Invalid([new FieldError(field, reason)]);

    public static IResult TooLarge() => Results.Problem(statusCode: StatusCodes.Status413PayloadTooLarge,
        title: "Request body too large", detail: $"The body may be at most {Infrastructure.TrackerHost.MaxRequestBodyBytes / 1024} KB.");

    public static IResult UnsupportedMediaType() => Results.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType,
        title: "Unsupported media type", detail: "Send the body as application/json.");

    public static IResult NotFound(string what) =>
        Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: what);

    public static IResult Forbidden(string what) =>
        Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden", detail: what);

    public static IResult Conflict(string detail, long currentVersion) =>
        Results.Problem(statusCode: StatusCodes.Status409Conflict, title: "Conflict", detail: detail,
            extensions: new Dictionary<string, object?> { ["currentVersion"] = currentVersion });

    /// <summary>201 for a new append, 200 for an idempotent repeat, else the rejection.</summary>
    public static Written<T> ForWrite<T>(WriteResult result, string location, Func<long, T> body) => new(result.Outcome switch
    {
        _ when result.StaleVersion is not null => Conflict(Detail(result.Outcome), result.Version),
        Accepted => Results.Created(location, body(result.Version)),
        AlreadyDone done => Results.Ok(body(done.Version)),
        Rejected { Kind: RejectionKind.Invalid } r => Invalid(r.Errors),
        Rejected { Kind: RejectionKind.NotFound } r => NotFound(Detail(r)),
        Rejected { Kind: RejectionKind.Forbidden } r => Forbidden(Detail(r)),
        Rejected r => Conflict(Detail(r), result.Version),
        _ => throw new InvalidOperationException("unknown outcome"),
    });

    /// <summary>The status a rejection is answered with, as <see cref="ForWrite"/> answers it.</summary>
    public static int StatusOf(RejectionKind kind) => kind switch
    {
        RejectionKind.Invalid => StatusCodes.Status400BadRequest,
        RejectionKind.NotFound => StatusCodes.Status404NotFound,
        RejectionKind.Forbidden => StatusCodes.Status403Forbidden,
        _ => StatusCodes.Status409Conflict,
    };

    private static string Detail(Outcome outcome) =>
        outcome is Rejected r ? string.Join("; ", r.Errors.Select(e => e.Reason)) : "";
}
