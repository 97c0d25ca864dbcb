using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Tracker.Agreements;
using Tracker.Agreements.Deciding;
using Tracker.Kernel;

namespace Tracker.Import;

/// <summary>One line of an import file: the command it holds, or why it could not be read.</summary>
public sealed record ImportLine(string File, int Line, IAgreementCommand? Command, IReadOnlyList<FieldError> Errors,
    Func<string, string>? FieldNames = null)
{
    /// <summary>A registry line (register-actor, add-person-alias, …): applied in file order, before the lines after it.</summary>
    public object? RegistryCommand { get; init; }

    /// <summary>Who the exporting store recorded as the line's author (<see cref="ImportReader.RecordedBy"/>), if it says.</summary>
    public string? RecordedBy { get; init; }

    public string Where(string field) => $"{File}:{Line}:{Name(field)}";

    /// <summary>A field as the file names it: the command's path for JSON Lines, the column for CSV.</summary>
    public string Name(string field) => FieldNames?.Invoke(field) ?? field;
}

/// <summary>
/// Reads import files one line at a time (never the whole file): JSON Lines, one command per line, with a
/// <c>type</c> of open-agreement | add-commitment | record-statement | correct-statement | retract-statement; or CSV,
/// one statement per row (see <see cref="CsvStatements"/>). Invalid UTF-8 is an error on the line that holds it.
/// </summary>
public static class ImportReader
{
    /// <summary>Strict, as HTTP bodies are: a misspelt or repeated field is an error, not silently dropped.</summary>
    public static readonly JsonSerializerOptions Json = Http.StrictJson.Web();

    public static IReadOnlyDictionary<string, Type> CommandTypes => AgreementCommands.ByImportType;

    /// <summary>
    /// The member an export's review lines name their proposer or reviewer in. An import records it only when an
    /// administrator imports as recorded (<see cref="Importer"/>); otherwise the importing user is the author, as for
    /// every other line, and so can never approve a proposal the same import made.
    /// </summary>
    public const string RecordedBy = "recordedBy";

    public static IAsyncEnumerable<ImportLine> ReadAsync(string path, CancellationToken ct = default) =>
        Path.GetExtension(path).Equals(".csv", StringComparison.OrdinalIgnoreCase)
            ? CsvStatements.ReadAsync(path, ct)
            : ReadJsonLinesAsync(path, ct);

    /// <summary>A strict decoder: bad bytes are an error on the line that holds them, never silently replaced.</summary>
    internal static TextReader OpenStrict(string path) => StrictUtf8LineReader.Open(path);

    private static async IAsyncEnumerable<ImportLine> ReadJsonLinesAsync(string path, [EnumeratorCancellation] CancellationToken ct)
    {
        var name = Path.GetFileName(path);
        using var reader = OpenStrict(path);
        var number = 0;
        while (true)
        {
            string? text;
            var badBytes = false;
            try
            {
                text = await reader.ReadLineAsync(ct);
            }
            catch (DecoderFallbackException)
            {
                text = null;
                badBytes = true;
            }
            if (badBytes)
            {
                yield return new ImportLine(name, ++number, null, [new FieldError("line", "is not valid UTF-8 (save the file as UTF-8)")]);
                continue;
            }
            if (text is null) yield break;
            number++;
            if (string.IsNullOrWhiteSpace(text)) continue;
            yield return ParseJsonLine(name, number, text);
        }
    }

    public static ImportLine ParseJsonLine(string file, int line, string text)
    {
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { AllowDuplicateProperties = false });
        }
        catch (JsonException e) when (e.Message.StartsWith("Duplicate property ", StringComparison.Ordinal))
        {
            return new ImportLine(file, line, null, [new FieldError(Http.StrictJson.Field(e), Http.StrictJson.Reason(e))]);
        }
        catch (JsonException e)
        {
            return new ImportLine(file, line, null, [new FieldError("line", JsonSyntax.Describe(e))]);
        }
        if (node is not JsonObject obj)
            return new ImportLine(file, line, null, [new FieldError("line", "is JSON but not an object: each line is one {…} command")]);

        var type = obj["type"]?.GetValueKind() == JsonValueKind.String ? obj["type"]!.GetValue<string>() : null;
        if (type is null || !CommandTypes.TryGetValue(type, out var commandType))
            return new ImportLine(file, line, null, [new FieldError("type",
                $"{(type is null ? "is missing" : $"'{type}' is unknown")}; one of: {string.Join(", ", CommandTypes.Keys)}")]);
        obj.Remove("type");
        // An export's link to the chain of the store it came from: this store chains what it appends itself.
        obj.Remove(Integrity.ExportedChain.Member);
        string? recordedBy = null;
        if (obj[RecordedBy] is { } by)
        {
            if (by.GetValueKind() != JsonValueKind.String || string.IsNullOrWhiteSpace(by.GetValue<string>()) ||
                by.GetValue<string>().Length > Checks.MaxNameLength)
                return new ImportLine(file, line, null, [new FieldError(RecordedBy, "is a user name when given")]);
            recordedBy = by.GetValue<string>();
            obj.Remove(RecordedBy);
        }

        try
        {
            var parsed = obj.Deserialize(commandType, Json);
            if (parsed is Registry.Actors.IActorCommand or Registry.People.IPersonCommand)
                return new ImportLine(file, line, null, []) { RegistryCommand = WithRegistryKeys(parsed) };
            var command = (IAgreementCommand?)parsed;
            if (command is null) return new ImportLine(file, line, null, [new FieldError("line", "is empty")]);
            return Checked(file, line, command, "agreementId") with { RecordedBy = recordedBy };
        }
        catch (JsonException e)
        {
            var field = string.IsNullOrEmpty(e.Path) || e.Path == "$" ? "line" : Http.StrictJson.Field(e);
            return new ImportLine(file, line, null, [new FieldError(field, Http.StrictJson.Reason(e))]);
        }
    }

    /// <summary>
    /// A parsed line as the importer takes it: its agreement id checked first (the importer queries by it before any
    /// decider sees it; <paramref name="idField"/> names it as the file does), its idempotency keys filled in.
    /// </summary>
    internal static ImportLine Checked(string file, int line, IAgreementCommand command, string idField,
        Func<string, string>? fieldNames = null)
    {
        var ids = new Checks();
        return ids.Slug(idField, command.AgreementId)
            ? new ImportLine(file, line, WithKeys(command), [], fieldNames)
            : new ImportLine(file, line, null, ids.Errors, fieldNames);
    }

    /// <summary>
    /// Import files may leave out idempotency keys; the ones we derive depend only on what the line says (the parsed
    /// command, not its spelling: spacing, field order, escapes), so importing the same content again appends nothing.
    /// </summary>
    internal static IAgreementCommand WithKeys(IAgreementCommand command) => command switch
    {
        RecordStatement r when r.StatementId == Guid.Empty => r with { StatementId = KeyOf("statement", Canonical(r with { ExpectedVersion = null })) },
        CorrectStatement c when c.CorrectionId is null => c with { CorrectionId = KeyOf("correction", Canonical(c with { ExpectedVersion = null })) },
        _ => command,
    };

    /// <summary>A person without an id gets the one the API would give it (from the name): a re-import finds it again.</summary>
    private static object WithRegistryKeys(object command) => command is Registry.People.RegisterPerson { PersonId: null } p
        ? p with { PersonId = Registry.People.RegisterPerson.IdFor(p.Name) }
        : command;

    private static string Canonical(object command) => JsonSerializer.Serialize(command, command.GetType(), Json);

    internal static Guid KeyOf(string kind, string content) =>
        new(SHA256.HashData(Encoding.UTF8.GetBytes(kind + "\n" + content)).AsSpan(0, 16));
}
