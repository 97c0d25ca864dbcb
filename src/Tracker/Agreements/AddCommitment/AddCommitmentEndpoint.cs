using Microsoft.AspNetCore.Authorization;
using Tracker.Agreements.Deciding;
using Tracker.Agreements.Storage;
using Tracker.Http;
using Tracker.Security;
using Wolverine.Http;
using Tracker.Kernel;

namespace Tracker.Agreements;

public sealed record CommitmentWritten(string AgreementId, string CommitmentId, long Version,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    IReadOnlyList<string>? Notices = null);

public static class AddCommitmentEndpoint
{
    [EndpointSummary("Add a commitment to an agreement"), WolverinePost("/api/agreements/{agreementId}/commitments"), Authorize(Policy = Roles.Policies.CanWrite)]
    public static async Task<Written<CommitmentWritten>> Post(string agreementId, AddCommitment command, HttpContext http, AgreementWriter writer,
        CancellationToken ct)
    {
        var errors = new List<FieldError>();
        if (!RouteMatches.Check(agreementId, command.AgreementId, errors) |
            !http.TryExpectedVersion(command.ExpectedVersion, errors, out var expected))
            return new(Problems.Invalid(errors));
        command = command with { AgreementId = agreementId, ExpectedVersion = expected };
        var result = await writer.ExecuteAsync(command, http.Author(), ct);
        return Problems.ForWrite(result, $"/api/agreements/{agreementId}/commitments/{command.CommitmentId}",
            v => new CommitmentWritten(agreementId, command.CommitmentId, v, result.NoticesIfAny));
    }
}
