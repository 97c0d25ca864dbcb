using Microsoft.AspNetCore.Authorization;
using Tracker.Agreements.Storage;
using Tracker.Http;
using Tracker.Security;
using Wolverine.Http;
using Tracker.Kernel;

namespace Tracker.Agreements;

public sealed record AgreementWritten(string AgreementId, long Version,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    IReadOnlyList<string>? Notices = null);

public static class OpenAgreementEndpoint
{
    [EndpointSummary("Open an agreement"), WolverinePost("/api/agreements"), Authorize(Policy = Roles.Policies.CanWrite)]
    public static async Task<Opened<AgreementWritten>> Post(OpenAgreement command, HttpContext http, AgreementWriter writer,
        IConfiguration configuration, CancellationToken ct)
    {
        command = command.WithDeploymentDefault(configuration);
        var result = await writer.ExecuteAsync(command, http.Author(), ct);
        return new(Problems.ForWrite(result, $"/api/agreements/{command.AgreementId}", v => new AgreementWritten(command.AgreementId, v, result.NoticesIfAny)));
    }
}
