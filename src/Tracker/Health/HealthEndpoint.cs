using System.Reflection;
using Microsoft.AspNetCore.Http.Metadata;
using Npgsql;
using Tracker.Http;
using Tracker.Infrastructure.Database;
using Wolverine.Http;

namespace Tracker.Health;

public sealed record HealthReport(string Status, string? Reason = null, IReadOnlyList<string>? PendingMigrations = null);

public static class HealthEndpoint
{
    /// <summary>200 when the database answers and every committed migration is applied; 503 with the reason otherwise.</summary>
    [EndpointSummary("Liveness and schema check (no token needed)"), WolverineGet("/health"), Microsoft.AspNetCore.Authorization.AllowAnonymous]
    public static async Task<HealthAnswer> Get(NpgsqlDataSource dataSource, DatabaseSupervision supervision, ILogger<HealthReport> logger,
        CancellationToken ct)
    {
        if (supervision.Problem is { } problem)
            return new(Results.Json(new HealthReport("unhealthy", problem), statusCode: StatusCodes.Status503ServiceUnavailable));
        try
        {
            await using var conn = await dataSource.OpenConnectionAsync(ct);
            var pending = await Migrations.PendingAsync(conn, ct);
            return new(pending.Count == 0
                ? Results.Json(new HealthReport("healthy"))
                : Results.Json(new HealthReport("unhealthy", "database schema is behind: migrations not applied", pending),
                    statusCode: StatusCodes.Status503ServiceUnavailable));
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or System.Net.Sockets.SocketException)
        {
            // The details (host, port, user) are for the operator's log, not for anonymous callers.
            logger.LogWarning(e, "Health check: the database is unreachable");
            return new(Results.Json(new HealthReport("unhealthy", "database unreachable (details in the service log)"),
                statusCode: StatusCodes.Status503ServiceUnavailable));
        }
    }
}

/// <summary>200 healthy or 503 unhealthy, each with the report.</summary>
public sealed class HealthAnswer(IResult result) : Answer(result), IEndpointMetadataProvider
{
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder)
    {
        Json<HealthReport>(builder, StatusCodes.Status200OK);
        Json<HealthReport>(builder, StatusCodes.Status503ServiceUnavailable);
    }
}
