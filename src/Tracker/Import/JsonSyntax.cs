using System.Text.Json;

namespace Tracker.Import;

/// <summary>
/// What is wrong with text that is not JSON, said plainly. The parser's own words ("Expected depth to be zero at
/// the end of the JSON payload") describe its state, not the file.
/// </summary>
public static class JsonSyntax
{
    public static string Describe(JsonException e)
    {
        var message = e.Message;
        var column = e.BytePositionInLine is { } p ? $" (near character {p + 1})" : "";
        if (message.Contains("does not contain any JSON tokens", StringComparison.Ordinal))
            return "holds no JSON";
        if (message.StartsWith("Expected depth to be zero", StringComparison.Ordinal)
            || message.Contains("end of data", StringComparison.Ordinal) || message.Contains("reached the end", StringComparison.Ordinal))
            return "ends before the JSON is complete: an object or list is never closed (a missing } or ], " +
                   "or the text was cut short)";
        if (message.Contains("after a value", StringComparison.Ordinal))
            return $"has something after a value where a comma or a closing }} or ] should be{column}";
        if (message.Contains("after a property name", StringComparison.Ordinal))
            return $"has a field name without a colon after it{column}";
        if (message.Contains("invalid start of a property name", StringComparison.Ordinal))
            return $"has a field name that is not in double quotes, or a comma before a closing }}{column}";
        if (message.Contains("invalid start of a value", StringComparison.Ordinal))
            return $"has a value that is not JSON (text needs double quotes; true, false and null are lower case){column}";
        return $"is not valid JSON{column}";
    }
}
