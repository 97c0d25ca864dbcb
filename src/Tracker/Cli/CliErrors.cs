using System.Text.Json;
using System.Text.Json.Serialization;
using Tracker.Agreements.Deciding;
using Tracker.Kernel;

namespace Tracker.Cli;

/// <summary>How a verb refuses: a line per problem on stderr naming the flag, and a non-zero exit.</summary>
public static class CliErrors
{
    public static bool Report(string verb, IEnumerable<FieldError> errors)
    {
        foreach (var e in errors) Console.Error.WriteLine($"{verb}: {Flag(e.Field)}: {e.Reason}");
        return false;
    }

    public static bool Fail(string message)
    {
        Console.Error.WriteLine(message);
        return false;
    }

    /// <summary>asOf → as-of, knownAt → known-at: the flag as typed on the command line.</summary>
    public static string Flag(string field) =>
        "--" + string.Concat(field.Select((c, i) => char.IsUpper(c) && i > 0 ? "-" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));
}

public static class CliJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };
}
