using System.Reflection;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Tracker.Agreements;
using Tracker.Agreements.Deciding;
using Tracker.Http;
using Tracker.Kernel;
using Tracker.Reports.Rendering;
using Wolverine.Http;

namespace Tracker.Infrastructure;

/// <summary>
/// The published API description: grouped by resource and summarised in words, every operation with the statuses and
/// bodies it really answers with (from its typed answer, see <see cref="Answer"/>, and <see cref="DocumentedRefusals"/>),
/// the bearer scheme on all but /health, and every vocabulary as an enum read from the code. Wolverine would otherwise
/// tag and summarise operations with handler type names, which are internals and no business of an API client.
/// </summary>
public static class ApiDescription
{
    public const string BearerScheme = "bearer";

    public static void Configure(OpenApiOptions o)
    {
        o.AddSchemaTransformer((schema, context, _) =>
        {
            if (context.JsonPropertyInfo?.AttributeProvider?.GetCustomAttributes(typeof(WireVocabularyAttribute), false)
                    .Cast<WireVocabularyAttribute>().FirstOrDefault() is { } vocabulary)
                schema.Enum = vocabulary.Names.Select(n => (JsonNode)JsonValue.Create(n)).ToList();
            if (context.JsonPropertyInfo is null) DescribeRequestFields(schema, context.JsonTypeInfo);
            DescribeOwnConversions(schema, context.JsonTypeInfo.Type);
            return Task.CompletedTask;
        });
        o.AddOperationTransformer((operation, context, _) =>
        {
            var path = context.Description.RelativePath ?? "";
            operation.Tags = new HashSet<OpenApiTagReference> { new(ResourceOf(path), context.Document) };
            var metadata = context.Description.ActionDescriptor.EndpointMetadata;
            // Wolverine names every endpoint after its route (POST_api_…); keep only summaries written in words.
            operation.Summary = metadata.OfType<IEndpointSummaryMetadata>().Select(m => m.Summary).LastOrDefault(s => s.Contains(' '))
                                ?? $"{context.Description.HttpMethod} /{path}";
            operation.Description = metadata.OfType<IEndpointDescriptionMetadata>().Select(m => m.Description)
                .LastOrDefault(d => d.Contains(' '));

            var anonymous = metadata.OfType<IAllowAnonymous>().Any();
            operation.Security = anonymous
                ? []
                : [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerScheme, context.Document)] = [] }];
            var requestType = (context.Description.ActionDescriptor as WolverineActionDescriptor)?.Chain.RequestType;
            if (requestType is not null && typeof(IAgreementCommand).IsAssignableFrom(requestType))
            {
                operation.Parameters ??= [];
                operation.Parameters.Add(new OpenApiParameter
                {
                    Name = "If-Match", In = ParameterLocation.Header, Required = false,
                    Description = "The agreement version this write expects (\"5\" or 5, from a read's `version`): a write " +
                                  "to an agreement that has moved on is refused with 409 and its `currentVersion`. The only " +
                                  "way to send an expected version; `expectedVersion` in the body or query is refused (400).",
                    Schema = new OpenApiSchema { Type = JsonSchemaType.String, Pattern = "^\"?[0-9]+\"?$" },
                });
            }
            foreach (var parameter in operation.Parameters?.OfType<OpenApiParameter>() ?? [])
                if (parameter.In == ParameterLocation.Query && QueryVocabularies.TryGetValue(parameter.Name ?? "", out var names)
                    && parameter.Schema is OpenApiSchema schema)
                    schema.Enum = (parameter.Name == "format" ? FormatsOf(path) : names()).Select(n => (JsonNode)JsonValue.Create(n)).ToList();
            DescribeResponses(operation, anonymous);
            return Task.CompletedTask;
        });
        o.AddDocumentTransformer((doc, _, _) =>
        {
            doc.Info.Title = "Tracker API";
            doc.Info.Description = "Agreements, commitments and the statements that evidence them. " +
                                   "Every GET takes asOf (valid time, a date) and knownAt (record time, an ISO 8601 instant). " +
                                   "Send 'Authorization: Bearer <token>' (all but /health); writes take the expected " +
                                   "agreement version as 'If-Match'. Errors are RFC 9457 problem details; a 400's " +
                                   "'errors' names each field and why.";
            doc.Tags = new HashSet<OpenApiTag>(Resources.Values.Distinct()
                .Select(name => new OpenApiTag { Name = name, Description = TagDescriptions[name] }));
            doc.Components ??= new OpenApiComponents();
            doc.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            doc.Components.SecuritySchemes[BearerScheme] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http, Scheme = "bearer", BearerFormat = "trk_ token or JWT",
                Description = "An API token: `tracker users add NAME ROLE` issues one (the Development start-up prints one).",
            };
            // A client joins paths onto the server URL: a trailing slash would double the path's leading one.
            doc.Servers = doc.Servers is { Count: > 0 }
                ? doc.Servers.Select(s => new OpenApiServer { Url = s.Url?.TrimEnd('/') is { Length: > 0 } u ? u : "/", Description = s.Description }).ToList()
                : [new OpenApiServer { Url = "/", Description = "The host serving this description" }];
            TakeRouteIdsFromTheRoute(doc);
            return Task.CompletedTask;
        });
    }

    /// <summary>Query parameters that take a vocabulary, by name, with the code's list of values.</summary>
    private static readonly Dictionary<string, Func<IReadOnlyList<string>>> QueryVocabularies = new(StringComparer.Ordinal)
    {
        ["stage"] = Vocabulary.NamesOf<Stage>, ["category"] = Vocabulary.NamesOf<Category>, ["format"] = () => ReportFormats.Names,
    };

    /// <summary>The formats a report's <c>format</c> takes: the workbook is the status report's only, the evidence table is
    /// CSV, a commitment's history JSON or Markdown.</summary>
    private static IReadOnlyList<string> FormatsOf(string path) => path switch
    {
        "api/reports/status" => ReportFormats.Names,
        "api/reports/evidence" => [ReportFormat.Csv.Name()],
        "api/reports/changes" => [.. ReportFormats.OfChanges.Select(f => f.Name())],
        _ when path.EndsWith("/history", StringComparison.Ordinal) => ["json", ReportFormat.Markdown.Name()],
        _ => ReportFormats.Names,
    };

    /// <summary>A request's schema lists what a client sends: no expected version (that is If-Match), and as required
    /// only the fields the server needs.</summary>
    private static void DescribeRequestFields(OpenApiSchema schema, System.Text.Json.Serialization.Metadata.JsonTypeInfo type)
    {
        if (typeof(IAgreementCommand).IsAssignableFrom(type.Type))
        {
            var version = type.Properties.FirstOrDefault(p => p.Name == "expectedVersion")?.Name;
            if (version is not null)
            {
                schema.Properties?.Remove(version);
                schema.Required?.Remove(version);
            }
        }
        foreach (var property in type.Properties)
            if (property.AttributeProvider?.IsDefined(typeof(OptionalFieldAttribute), false) == true)
                schema.Required?.Remove(property.Name);
    }

    /// <summary>Types with their own JSON form, which the schema generator cannot see into.</summary>
    private static void DescribeOwnConversions(OpenApiSchema schema, Type type)
    {
        if (type == typeof(SaidOn))
        {
            schema.Type = JsonSchemaType.String;
            schema.Pattern = @"^\d{4}(-\d{2}(-\d{2})?)?$";
            schema.Description = "A date as precise as the source gives it: YYYY-MM-DD, YYYY-MM or YYYY";
        }
        // Problem details carry extension members (traceId; a conflict's currentVersion) beside the standard ones.
        if (typeof(Microsoft.AspNetCore.Mvc.ProblemDetails).IsAssignableFrom(type))
        {
            schema.AdditionalPropertiesAllowed = true;
            schema.AdditionalProperties = null;
        }
    }

    /// <summary>A body may repeat an id the route gives (and must then match it); it need not.</summary>
    private static void TakeRouteIdsFromTheRoute(OpenApiDocument doc)
    {
        foreach (var (path, item) in doc.Paths)
        foreach (var operation in item.Operations?.Values.AsEnumerable() ?? [])
        {
            if (operation.RequestBody?.Content?.Values.FirstOrDefault()?.Schema is not OpenApiSchemaReference { Reference.Id: { } id }
                || doc.Components?.Schemas?.TryGetValue(id, out var body) != true || body is not OpenApiSchema schema) continue;
            foreach (var segment in path.Split('/').Where(s => s.StartsWith('{')))
            {
                var name = segment.Trim('{', '}');
                if (schema.Required?.Remove(name) == true && schema.Properties?.TryGetValue(name, out var p) == true && p is OpenApiSchema ps)
                    ps.Description = "Optional: the URL gives it; when sent, it must match the URL's.";
            }
        }
    }

    private static void DescribeResponses(OpenApiOperation operation, bool anonymous)
    {
        foreach (var (status, response) in operation.Responses ?? [])
        {
            if (response is not OpenApiResponse r) continue;
            r.Description = status switch
            {
                "200" when operation.Responses!.ContainsKey("201") =>
                    "Already done: the same request was made before; nothing was appended, the original result is returned",
                "200" => "OK",
                "201" => "Created: appended; Location names the resource",
                "204" => "Done",
                "400" => "The request is invalid: `errors` names each field (or parameter, or header) and why",
                "401" => "No valid token: send 'Authorization: Bearer <token>'",
                "403" => "The token's role may not do this",
                "404" => "Not found: `detail` says what does not exist",
                "409" => "Conflict: `detail` says with what; `currentVersion` is the agreement's version now, when the conflict is with it",
                "413" => "The body is too large",
                "415" => "The body is not JSON (send Content-Type: application/json)",
                "429" => "Too many requests: retry after the Retry-After header's seconds",
                "503" when anonymous => "Unhealthy: `reason` says why",
                _ => r.Description ?? "",
            };
            foreach (var (mediaType, content) in r.Content ?? new Dictionary<string, OpenApiMediaType>())
                if (!mediaType.Contains("json", StringComparison.Ordinal))
                    content.Schema = new OpenApiSchema
                    {
                        Type = JsonSchemaType.String, Description = "The whole report as " + mediaType,
                        // A workbook is bytes, not text: a generated client reads it as a Blob.
                        Format = mediaType == ReportFormats.XlsxContentType ? "binary" : null,
                    };
        }
    }

    private static readonly Dictionary<string, string> Resources = new(StringComparer.Ordinal)
    {
        ["agreements"] = "Agreements", ["reports"] = "Reports", ["audit"] = "Audit", ["users"] = "Users", ["health"] = "Health",
    };

    private static readonly Dictionary<string, string> TagDescriptions = new(StringComparer.Ordinal)
    {
        ["Agreements"] = "Agreements, their commitments, and the statements that evidence them: reads and writes",
        ["Reports"] = "The portfolio's status and what moved in a period, as JSON pages or whole documents",
        ["Audit"] = "Who recorded what, when",
        ["Users"] = "API users and their tokens (administrators)",
        ["Health"] = "Liveness and schema check",
        ["Other"] = "Everything else",
    };

    private static string ResourceOf(string path)
    {
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var key = segments.FirstOrDefault() == "api" ? segments.ElementAtOrDefault(1) : segments.FirstOrDefault();
        return key is not null && Resources.TryGetValue(key, out var name) ? name : "Other";
    }
}
