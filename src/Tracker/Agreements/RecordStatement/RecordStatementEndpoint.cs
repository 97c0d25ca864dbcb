using Microsoft.AspNetCore.Authorization;
using Tracker.Agreements.Deciding;
using Tracker.Agreements.Storage;
using Tracker.Http;
using Tracker.Security;
using Wolverine.Http;
using Tracker.Kernel;

namespace Tracker.Agreements;

public sealed record StatementWritten(string AgreementId, Guid StatementId, long Version,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    IReadOnlyList<string>? Notices = null,
    /// <summary>"awaiting" where review is required: the write is a proposal, which counts once approved.</summary>
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    string? Review = null);

public static class RecordStatementEndpoint
{
    [EndpointSummary("Record a statement (201; 202 where review is required; 200 for an idempotent repeat)"), WolverinePost("/api/agreements/{agreementId}/statements"), Authorize(Policy = Roles.Policies.CanWrite)]
    public static async Task<Submitted<StatementWritten>> Post(string agreementId, RecordStatement command, HttpContext http, AgreementWriter writer,
        CancellationToken ct)
    {
        var errors = new List<FieldError>();
        if (!RouteMatches.Check(agreementId, command.AgreementId, errors) |
            !http.TryExpectedVersion(command.ExpectedVersion, errors, out var expected))
            return new(Problems.Invalid(errors));
        // Without a client-chosen id there is nothing to make a re-send idempotent on; the server picks one.
        var id = command.StatementId == Guid.Empty ? Guid.CreateVersion7() : command.StatementId;
        command = command with { AgreementId = agreementId, StatementId = id, ExpectedVersion = expected };
        var result = await writer.ExecuteAsync(command, http.Author(), ct);
        return Submitted<StatementWritten>.For(result, $"/api/agreements/{agreementId}/statements/{id}",
            (v, review) => new StatementWritten(agreementId, id, v, result.NoticesIfAny, review));
    }
}
