using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Tracker.Infrastructure;

/// <summary>
/// The published API description: grouped by resource and summarised in words. Wolverine would otherwise tag and
/// summarise operations with handler type names, which are internals and no business of an API client.
/// </summary>
public static class ApiDescription
{
    public static void Configure(OpenApiOptions o)
    {
        o.AddDocumentTransformer((doc, _, _) =>
        {
            doc.Info.Title = "Tracker API";
            doc.Info.Description = "Agreements, commitments and the statements that evidence them. " +
                                   "Every GET takes asOf (valid time, a date) and knownAt (record time, an ISO 8601 instant). " +
                                   "Send 'Authorization: Bearer <token>'.";
            doc.Tags = new HashSet<OpenApiTag>(Resources.Values.Distinct().Select(name => new OpenApiTag { Name = name }));
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
            return Task.CompletedTask;
        });
    }

    private static readonly Dictionary<string, string> Resources = new(StringComparer.Ordinal)
    {
        ["agreements"] = "Agreements", ["reports"] = "Reports", ["audit"] = "Audit", ["users"] = "Users", ["health"] = "Health",
    };

    private static string ResourceOf(string path)
    {
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var key = segments.FirstOrDefault() == "api" ? segments.ElementAtOrDefault(1) : segments.FirstOrDefault();
        return key is not null && Resources.TryGetValue(key, out var name) ? name : "Other";
    }
}
