using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using JasperFx.CommandLine;
using Tracker.Agreements.Deciding;
using Tracker.Agreements.Storage;
using Tracker.Import;
using Tracker.Kernel;

namespace Tracker.Cli.Writing;

/// <summary>What every write verb takes: the API's request body, who writes, and the expected version.</summary>
public class WriteInput : TrackerInput
{
    [Description("The request body as JSON, the same as the API takes; - reads it from standard input"), FlagAlias("file", 'f')]
    public string? FileFlag { get; set; }

    [Description("Who the events are recorded as (default: cli:<OS user>)"), FlagAlias("user", 'u')]
    public string? UserFlag { get; set; }

    [Description("Only if the agreement is still at this version, as HTTP's If-Match (wins over the body's expectedVersion)"),
     FlagAlias("expected-version", 'e')]
    public string? ExpectedVersionFlag { get; set; }
}

/// <summary>The write verbs that name an agreement the way the API's URL does.</summary>
public class AgreementWriteInput : WriteInput
{
    [Description("The agreement (its id), as in the API's URL; the body's agreementId, if any, must match"), FlagAlias("agreement", 'a')]
    public string? AgreementFlag { get; set; }
}

/// <summary>The write verbs about one statement, named as the API's URL names it.</summary>
public class StatementWriteInput : AgreementWriteInput
{
    [Description("The statement (its id, a GUID); the body's statementId, if any, must match"), FlagAlias("statement-id", 'i')]
    public string? StatementIdFlag { get; set; }
}

/// <summary>
/// A write verb: the API's request body (a file, or flags) read strictly as the API reads it, into the same
/// command, decided by the same slice through the same <see cref="AgreementWriter"/>. Only what the HTTP layer does
/// (the URL's ids, If-Match, the response) has its command-line counterpart here. stdout gets the API's response
/// body as JSON; stderr says what happened; any refusal exits non-zero with nothing written.
/// </summary>
public abstract class WriteVerb<TInput, TCommand> : JasperFxAsyncCommand<TInput>
    where TInput : WriteInput
    where TCommand : class, IAgreementCommand
{
    private static readonly JsonSerializerOptions Strict = ImportReader.Json;

    protected abstract string Verb { get; }

    /// <summary>Body fields the verb also takes as flags: path in the body → flag.</summary>
    protected virtual IReadOnlyDictionary<string, string> FlagOfField => new Dictionary<string, string>();

    /// <summary>Lays the flags given over the body.</summary>
    protected virtual void ApplyFlags(TInput input, RequestBody body, List<FieldError> errors) { }

    protected virtual bool BodyRequired => true;

    /// <summary>The command as the service would take it, once the host (its configuration) is up.</summary>
    protected virtual TCommand Prepared(TCommand command, IServiceProvider services) => command;

    /// <summary>What the API's URL and server add: the ids from the URL, the server-chosen idempotency keys.</summary>
    protected abstract TCommand Complete(TCommand command, TInput input, List<FieldError> errors);

    /// <summary>The API's response body for this write.</summary>
    protected abstract object Written(TCommand command, long version);

    /// <summary>What was done, for the analyst: "Recorded statement … in …".</summary>
    protected abstract string Done(TCommand command);

    public override async Task<bool> Execute(TInput input)
    {
        var flags = new Dictionary<string, string>(FlagOfField, StringComparer.OrdinalIgnoreCase)
        {
            ["expectedVersion"] = "--expected-version",
        };
        if (input is AgreementWriteInput) flags["agreementId"] = "--agreement";
        if (input is StatementWriteInput) flags["statementId"] = "--statement-id";

        if (input.FileFlag is null && BodyRequired)
            return Fail([$"--file: is required: the request body as JSON (as sent to the API), or - for standard input"]);
        var body = RequestBody.Read(input.FileFlag, flags, out var unreadable);
        if (body is null) return Fail([unreadable!]);

        var errors = new List<FieldError>();
        ApplyFlags(input, body, errors);
        if (input is AgreementWriteInput { AgreementFlag: not null }) body.GivenByFlag("agreementId");
        if (input is StatementWriteInput { StatementIdFlag: not null }) body.GivenByFlag("statementId");
        if (input.ExpectedVersionFlag is { } text)
        {
            // Wins over the body's, as If-Match does over HTTP.
            if (long.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var v))
                body.Set("expectedVersion", JsonValue.Create(v));
            else errors.Add(new FieldError("expectedVersion", $"'{text}' is not an agreement version (a whole number)"));
        }
        if (errors.Count > 0) return Fail(errors.Select(e => $"{flags.GetValueOrDefault(e.Field, e.Field)}: {e.Reason}"));

        TCommand command;
        try
        {
            command = body.Json.Deserialize<TCommand>(Strict) ?? throw new JsonException("empty body");
        }
        catch (JsonException e)
        {
            var field = string.IsNullOrEmpty(e.Path) || e.Path == "$" ? "body" : Http.StrictJson.Field(e);
            return Fail([$"{body.Where(field)}: {Http.StrictJson.Reason(e)}"]);
        }
        command = Complete(command, input, errors);
        if (errors.Count > 0) return Fail(body.Describe(errors));

        using var host = await input.BuildHost().StartedForCommandAsync();
        var writer = host.Services.GetRequiredService<AgreementWriter>();
        command = Prepared(command, host.Services);
        var result = await writer.ExecuteAsync(command, new Author(input.UserFlag ?? CliUser.Name, $"cli-{Guid.NewGuid():N}"));

        // A stale expected version is a rejection too, in the writer's words, as the API's 409 gives them.
        if (result.Outcome is Rejected rejected)
            return Fail([.. body.Describe(rejected.Errors), rejected.Kind == RejectionKind.Conflict
                ? $"nothing was written; '{command.AgreementId}' is at version {result.Version}"
                : "nothing was written"]);
        Console.Out.WriteLine(JsonSerializer.Serialize(Written(command, result.Version), CliJson.Options));
        // What the API's answer says under "notices" (an alias stored as its actor's code), said here too.
        foreach (var notice in result.Notices) Console.Error.WriteLine($"{Verb}: {notice}");
        Console.Error.WriteLine(result.Appended
            ? $"{Done(command)}; '{command.AgreementId}' is now at version {result.Version}."
            : $"{Done(command)} already (version {result.Version}): nothing was appended.");
        return true;
    }

    /// <summary>A body id may repeat the flag's (as it may repeat the URL's over HTTP), but must not name another.</summary>
    protected static string? Matching(string field, string flag, string? fromFlag, string? fromBody, List<FieldError> errors)
    {
        if (string.IsNullOrEmpty(fromFlag)) return fromBody;
        if (!string.IsNullOrEmpty(fromBody) && fromBody != fromFlag)
            errors.Add(new FieldError(field, $"'{fromBody}' does not match {flag} '{fromFlag}'"));
        return fromFlag;
    }

    protected static Guid StatementId(StatementWriteInput input, Guid fromBody, List<FieldError> errors, bool required)
    {
        var body = fromBody == Guid.Empty ? null : fromBody.ToString();
        var id = Matching("statementId", "--statement-id", input.StatementIdFlag, body, errors);
        if (id is null)
        {
            if (required) errors.Add(new FieldError("statementId", "is required: the statement's id"));
            return Guid.Empty;
        }
        if (Guid.TryParse(id, out var guid)) return guid;
        errors.Add(new FieldError("statementId", $"'{id}' is not a statement id (a GUID)"));
        return Guid.Empty;
    }

    private bool Fail(IEnumerable<string> lines)
    {
        foreach (var line in lines) Console.Error.WriteLine($"{Verb}: {line}");
        return false;
    }
}
