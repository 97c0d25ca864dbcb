using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Tracker.Import;
using Tracker.Kernel;

namespace Tracker.Cli.Writing;

/// <summary>
/// A write verb's request body: the JSON an API client would send, read from a file (or standard input), with the
/// fields given as flags laid over it. It remembers where each field came from, so an error names the file and line
/// or the flag, as the analyst typed it.
/// </summary>
public sealed class RequestBody
{
    private readonly Dictionary<string, int> _lines;
    private readonly Dictionary<string, string> _flagOfField;
    private readonly HashSet<string> _setByFlag = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> _givenByFlag = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The file as named on the command line ("standard input" for <c>-</c>), or null without one.</summary>
    public string? File { get; }
    public JsonObject Json { get; }

    private RequestBody(string? file, JsonObject json, Dictionary<string, int> lines, IReadOnlyDictionary<string, string> flagOfField)
    {
        File = file;
        Json = json;
        _lines = lines;
        _flagOfField = new Dictionary<string, string>(flagOfField, StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>Reads <paramref name="file"/> (or standard input for <c>-</c>); null with a message when it cannot be read as a JSON object.</summary>
    public static RequestBody? Read(string? file, IReadOnlyDictionary<string, string> flagOfField, out string? problem)
    {
        problem = null;
        if (file is null) return new RequestBody(null, new JsonObject(), new(), flagOfField);
        var name = file == "-" ? "standard input" : file;
        byte[] bytes;
        try
        {
            if (file == "-")
            {
                using var buffer = new MemoryStream();
                Console.OpenStandardInput().CopyTo(buffer);
                bytes = buffer.ToArray();
            }
            else bytes = System.IO.File.ReadAllBytes(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            problem = e is FileNotFoundException or DirectoryNotFoundException ? $"--file: no such file: {file}" : $"--file: cannot read {file}: {e.Message}";
            return null;
        }
        if (bytes.AsSpan().StartsWith(Encoding.UTF8.Preamble)) bytes = bytes[Encoding.UTF8.Preamble.Length..];
        try
        {
            _ = new UTF8Encoding(false, throwOnInvalidBytes: true).GetCharCount(bytes);
        }
        catch (DecoderFallbackException)
        {
            problem = $"{name}: is not valid UTF-8 (save the file as UTF-8)";
            return null;
        }

        JsonNode? node;
        try
        {
            node = JsonNode.Parse(bytes, documentOptions: new JsonDocumentOptions { AllowDuplicateProperties = false });
        }
        catch (JsonException e)
        {
            var line = e.LineNumber is { } l ? $":{l + 1}" : "";
            problem = e.Message.StartsWith("Duplicate property ", StringComparison.Ordinal)
                ? $"{name}{line}: {Http.StrictJson.Field(e)}: {Http.StrictJson.Reason(e)}"
                : $"{name}{line}: {JsonSyntax.Describe(e)}";
            return null;
        }
        if (node is not JsonObject obj)
        {
            problem = $"{name}: is JSON but not an object: the body is one {{…}}, as sent to the API";
            return null;
        }
        return new RequestBody(name, obj, LinesOf(bytes), flagOfField);
    }

    /// <summary>Sets a field (a path such as <c>speaker.name</c> or <c>assertions[0].stage</c>) given as a flag.</summary>
    public void Set(string path, JsonNode? value)
    {
        _setByFlag.Add(path);
        JsonNode parent = Json;
        var segments = Segments(path);
        for (var i = 0; i < segments.Count - 1; i++)
        {
            var (name, index) = segments[i];
            var holder = (JsonObject)parent;
            if (holder[name] is not JsonNode next || (index is null ? next is not JsonObject : next is not JsonArray))
                holder[name] = next = index is null ? new JsonObject() : new JsonArray();
            if (index is { } n)
            {
                var array = (JsonArray)next;
                while (array.Count <= n) array.Add(new JsonObject());
                if (array[n] is not JsonObject) array[n] = new JsonObject();
                next = array[n]!;
            }
            parent = next;
        }
        ((JsonObject)parent)[segments[^1].Name] = value;
    }

    /// <summary>A field a flag gives beside the body (an id the API would take from its URL): the body may repeat it.</summary>
    public void GivenByFlag(string path) => _givenByFlag.Add(path);

    /// <summary>Where a field of the body is, as the analyst gave it: <c>--quote</c>, <c>body.json:7: source.kind</c>.</summary>
    public string Where(string field)
    {
        if (_setByFlag.Contains(field) && _flagOfField.TryGetValue(field, out var flag)) return flag;
        for (var f = field; f.Length > 0; f = Parent(f))
            if (_lines.TryGetValue(f, out var line)) return $"{File}:{line}: {field}";
        if (_givenByFlag.Contains(field) && _flagOfField.TryGetValue(field, out flag)) return flag;
        // Not given at all: name the flag that could give it, else the field in the file.
        if (_flagOfField.TryGetValue(field, out flag)) return File is null ? flag : $"{File}: {field} (or {flag})";
        return File is null ? field : $"{File}: {field}";
    }

    public IEnumerable<string> Describe(IEnumerable<FieldError> errors) => errors.Select(e => $"{Where(e.Field)}: {e.Reason}");

    private static string Parent(string path)
    {
        var cut = Math.Max(path.LastIndexOf('.'), path.LastIndexOf('['));
        return cut <= 0 ? "" : path[..cut];
    }

    private static List<(string Name, int? Index)> Segments(string path) => path.Split('.')
        .Select(s => s.IndexOf('[') is var open and > 0 ? (s[..open], (int?)int.Parse(s[(open + 1)..^1])) : (s, null))
        .ToList();

    /// <summary>The line (1-based) each field and list entry starts on, by its path.</summary>
    private static Dictionary<string, int> LinesOf(byte[] json)
    {
        var lineStarts = new List<int> { 0 };
        for (var i = 0; i < json.Length; i++) if (json[i] == '\n') lineStarts.Add(i + 1);
        int LineAt(long index)
        {
            var found = lineStarts.BinarySearch((int)index);
            return (found >= 0 ? found : ~found - 1) + 1;
        }

        var lines = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        var containers = new List<(string Path, bool IsArray, int Next)>();
        var property = "";
        var reader = new Utf8JsonReader(json);
        while (reader.Read())
        {
            var line = LineAt(reader.TokenStartIndex);
            switch (reader.TokenType)
            {
                case JsonTokenType.PropertyName:
                    var container = containers[^1].Path;
                    property = container.Length == 0 ? reader.GetString()! : $"{container}.{reader.GetString()}";
                    lines.TryAdd(property, line);
                    continue;
                case JsonTokenType.EndObject or JsonTokenType.EndArray:
                    containers.RemoveAt(containers.Count - 1);
                    continue;
            }
            var path = property;
            if (containers.Count == 0) path = "";
            else if (containers[^1] is { IsArray: true } array)
            {
                path = $"{array.Path}[{array.Next}]";
                containers[^1] = array with { Next = array.Next + 1 };
                lines.TryAdd(path, line);
            }
            if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
                containers.Add((path, reader.TokenType == JsonTokenType.StartArray, 0));
        }
        return lines;
    }
}
