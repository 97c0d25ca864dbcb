using System.Reflection;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;
using Tracker.Reports.Rendering;

namespace Tracker.Http;

/// <summary>
/// Typed endpoint answers: the return type names every status and body the endpoint can answer with, and the API
/// description is read from it. Wolverine reads a return type's <see cref="IEndpointMetadataProvider"/> and then adds
/// none of its own guesses (a 200 with an empty body, a 404). Refusals that come before an endpoint runs (401, 403,
/// 413, 415, 429) are added by <see cref="DocumentedRefusals"/>.
/// </summary>
public abstract class Answer(IResult result) : IResult
{
    public Task ExecuteAsync(HttpContext http) => result.ExecuteAsync(http);

    internal static void Json<T>(EndpointBuilder builder, int status) =>
        builder.Metadata.Add(new Produces(status, typeof(T), ["application/json"]));

    internal static void Problem<T>(EndpointBuilder builder, int status) where T : ProblemDetails =>
        builder.Metadata.Add(new Produces(status, typeof(T), [ProblemContentType]));

    public const string ProblemContentType = "application/problem+json";
}

/// <summary>A write (<see cref="Problems.ForWrite"/>): 201 appended, 200 an idempotent repeat, 400 a field names what is
/// wrong, 404 the agreement or statement does not exist, 409 a conflict (with the current version).</summary>
public sealed class Written<T>(IResult result) : Answer(result), IEndpointMetadataProvider
{
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder)
    {
        Json<T>(builder, StatusCodes.Status201Created);
        Json<T>(builder, StatusCodes.Status200OK);
        Problem<HttpValidationProblemDetails>(builder, StatusCodes.Status400BadRequest);
        Problem<ProblemDetails>(builder, StatusCodes.Status404NotFound);
        Problem<ConflictProblemDetails>(builder, StatusCodes.Status409Conflict);
    }
}

/// <summary>A write that starts a stream (<see cref="Problems.ForWrite"/>): as <see cref="Written{T}"/>, but never 404.</summary>
public sealed class Opened<T>(IResult result) : Answer(result), IEndpointMetadataProvider
{
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder)
    {
        Json<T>(builder, StatusCodes.Status201Created);
        Json<T>(builder, StatusCodes.Status200OK);
        Problem<HttpValidationProblemDetails>(builder, StatusCodes.Status400BadRequest);
        Problem<ConflictProblemDetails>(builder, StatusCodes.Status409Conflict);
    }
}

/// <summary>A change to a registry entry (<see cref="Problems.ForWrite"/>): 201 changed, 200 already so, 400, 404 no such entry.</summary>
public sealed class Changed<T>(IResult result) : Answer(result), IEndpointMetadataProvider
{
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder)
    {
        Json<T>(builder, StatusCodes.Status201Created);
        Json<T>(builder, StatusCodes.Status200OK);
        Problem<HttpValidationProblemDetails>(builder, StatusCodes.Status400BadRequest);
        Problem<ProblemDetails>(builder, StatusCodes.Status404NotFound);
    }
}

/// <summary>A removal from a registry entry: 201 removed, 400 (not there to remove), 404 no such entry.</summary>
public sealed class Removed<T>(IResult result) : Answer(result), IEndpointMetadataProvider
{
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder)
    {
        Json<T>(builder, StatusCodes.Status201Created);
        Problem<HttpValidationProblemDetails>(builder, StatusCodes.Status400BadRequest);
        Problem<ProblemDetails>(builder, StatusCodes.Status404NotFound);
    }
}

/// <summary>A read of one thing: 200 with it, 400 for a malformed parameter, 404 when it does not exist.</summary>
public sealed class Found<T>(IResult result) : Answer(result), IEndpointMetadataProvider
{
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder)
    {
        Json<T>(builder, StatusCodes.Status200OK);
        Problem<HttpValidationProblemDetails>(builder, StatusCodes.Status400BadRequest);
        Problem<ProblemDetails>(builder, StatusCodes.Status404NotFound);
    }
}

/// <summary>A read of one thing that also reads as a document (<c>format=md</c>): 200 as JSON or Markdown, 400, 404.</summary>
public sealed class FoundOrMarkdown<T>(IResult result) : Answer(result), IEndpointMetadataProvider
{
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder)
    {
        builder.Metadata.Add(new Produces(StatusCodes.Status200OK, typeof(T),
            ["application/json", ReportFormat.Markdown.ContentType().Split(';')[0]]));
        Problem<HttpValidationProblemDetails>(builder, StatusCodes.Status400BadRequest);
        Problem<ProblemDetails>(builder, StatusCodes.Status404NotFound);
    }
}

/// <summary>A read across agreements (a page, a report): 200, or 400 for a malformed parameter; never 404.</summary>
public sealed class Listed<T>(IResult result) : Answer(result), IEndpointMetadataProvider
{
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder)
    {
        Json<T>(builder, StatusCodes.Status200OK);
        Problem<HttpValidationProblemDetails>(builder, StatusCodes.Status400BadRequest);
    }
}

/// <summary>Only ever 200 with the body (a list without parameters).</summary>
public sealed class Answered<T>(IResult result) : Answer(result), IEndpointMetadataProvider
{
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) => Json<T>(builder, StatusCodes.Status200OK);
}

/// <summary>A report: 200 as JSON (the page, <typeparamref name="T"/>) or as a whole document in the report's other
/// formats (text; for the status report also a workbook), or 400 for a malformed parameter.</summary>
public sealed class Reported<T>(IResult result) : Answer(result), IEndpointMetadataProvider
{
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder)
    {
        builder.Metadata.Add(new Produces(StatusCodes.Status200OK, typeof(T),
            ReportFormats.Of(typeof(T)).Select(f => f.ContentType().Split(';')[0]).ToList()));
        Problem<HttpValidationProblemDetails>(builder, StatusCodes.Status400BadRequest);
    }
}

/// <summary>A CSV download (a long table): 200 as <c>text/csv</c>, or 400.</summary>
public sealed class CsvDownload(IResult result) : Answer(result), IEndpointMetadataProvider
{
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder)
    {
        builder.Metadata.Add(new Produces(StatusCodes.Status200OK, typeof(string), ["text/csv"]));
        Problem<HttpValidationProblemDetails>(builder, StatusCodes.Status400BadRequest);
    }
}

/// <summary>A 409's body: the agreement's current version, when the conflict is with it, to send as <c>If-Match</c>
/// after re-reading. Documentation of what <see cref="Problems.Conflict"/> writes.</summary>
public sealed class ConflictProblemDetails : ProblemDetails
{
    public long? CurrentVersion { get; init; }
}

internal sealed record Produces(int StatusCode, Type? Type, IEnumerable<string> ContentTypes) : IProducesResponseTypeMetadata
{
    public string? Description => null;
}
