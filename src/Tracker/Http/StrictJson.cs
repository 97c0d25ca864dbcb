using System.Text.Json;
using System.Text.Json.Serialization;

namespace Tracker.Http;

/// <summary>
/// How request bodies and import lines are read: a field the request does not have is an error (a statement sent
/// with <c>id</c> for <c>statementId</c> would otherwise lose its idempotency key), and so is a field given twice
/// (which value would count is a guess).
/// </summary>
public static class StrictJson
{
    public static void Apply(JsonSerializerOptions options)
    {
        options.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
        options.AllowDuplicateProperties = false;
    }

    public static JsonSerializerOptions Web()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        Apply(options);
        return options;
    }

    /// <summary>The JSON path of the bad value, in the request's own camelCase, e.g. <c>source.publishedOn</c>.</summary>
    public static string Field(JsonException e)
    {
        if (!string.IsNullOrEmpty(e.Path) && e.Path != "$") return e.Path.TrimStart('$', '.');
        // A document parsed without a target type names a repeated field only in its message.
        const string duplicate = "Duplicate property '";
        if (e.Message.StartsWith(duplicate, StringComparison.Ordinal) && e.Message.IndexOf('\'', duplicate.Length) is var end && end > duplicate.Length)
            return e.Message[duplicate.Length..end];
        return "body";
    }

    public static string Reason(JsonException e)
    {
        var top = string.IsNullOrEmpty(e.Path) || e.Path == "$";
        if (e.Message.StartsWith("The JSON property ", StringComparison.Ordinal) && e.Message.Contains("could not be mapped", StringComparison.Ordinal))
            return "is not a field of this request (check its spelling against the API description)";
        if (e.Message.StartsWith("Duplicate property ", StringComparison.Ordinal))
            return "is given more than once; give each field once";
        if (e.Message.Contains("could not be converted", StringComparison.Ordinal))
            return top ? "must be a JSON object" : "has the wrong type or format";
        return top ? "is not valid JSON" : "is not valid JSON at this point";
    }
}
