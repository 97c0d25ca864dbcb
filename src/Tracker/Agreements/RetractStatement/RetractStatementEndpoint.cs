using Microsoft.AspNetCore.Authorization;
using Tracker.Agreements.Deciding;
using Tracker.Agreements.Storage;
using Tracker.Http;
using Tracker.Security;
using Wolverine.Http;
using Tracker.Kernel;

namespace Tracker.Agreements;

public static class RetractStatementEndpoint
{
    [EndpointSummary("Retract a statement, with a reason (202 where review is required)"), WolverinePost("/api/agreements/{agreementId}/statements/{statementId}/retraction"), Authorize(Policy = Roles.Policies.CanWrite)]
    public static async Task<Submitted<StatementWritten>> Post(string agreementId, Guid statementId, RetractStatement command, HttpContext http,
        AgreementWriter writer, CancellationToken ct)
    {
        var errors = new List<FieldError>();
        if (!RouteMatches.Check(agreementId, command.AgreementId, errors) |
            !RouteMatches.Check(statementId.ToString(), command.StatementId == Guid.Empty ? null : command.StatementId.ToString(), errors, "statementId") |
            !http.TryExpectedVersion(command.ExpectedVersion, errors, out var expected))
            return new(Problems.Invalid(errors));
        command = command with { AgreementId = agreementId, StatementId = statementId, ExpectedVersion = expected };
        var result = await writer.ExecuteAsync(command, http.Author(), ct);
        return Submitted<StatementWritten>.For(result, $"/api/agreements/{agreementId}/statements/{statementId}",
            (v, review) => new StatementWritten(agreementId, statementId, v, Review: review));
    }
}
