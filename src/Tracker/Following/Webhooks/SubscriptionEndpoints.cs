using System.Reflection;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Npgsql;
using Tracker.Http;
using Tracker.Kernel;
using Tracker.Portfolio;
using Tracker.Security;
using Wolverine.Http;

namespace Tracker.Following.Webhooks;

/// <summary>
/// Webhook subscriptions: analysts and admins send changes to their own systems (readers follow by feed and watchlist).
/// Each sees and removes their own subscriptions; an admin sees and may remove everyone's, since an admin answers for
/// where the service sends data.
/// </summary>
public static class SubscriptionEndpoints
{
    [EndpointSummary("The caller's webhook subscriptions (an admin's: everyone's); never their secrets"),
     WolverineGet("/api/subscriptions"), Authorize(Policy = Roles.Policies.CanWrite)]
    public static async Task<Answered<IReadOnlyList<Subscription>>> List(HttpContext http, NpgsqlDataSource dataSource, CancellationToken ct) =>
        new(Results.Ok(await WebhookSubscriptions.ListAsync(dataSource, http.Author().UserName, IsAdmin(http), ct)));

    /// <summary>201 with the subscription and its signing secret, shown only here.</summary>
    [EndpointSummary("Subscribe a URL to changes (filter: agreement, party, category; events: entry kinds, default status-changed); " +
                     "answers the signing secret once"),
     WolverinePost("/api/subscriptions"), Authorize(Policy = Roles.Policies.CanWrite)]
    public static async Task<Subscribed> Subscribe(SubscriptionRequest request, HttpContext http, NpgsqlDataSource dataSource,
        PortfolioReads portfolio, WebhookSecrets secrets, IOptions<WebhookOptions> options, CancellationToken ct)
    {
        var (errors, resolved) = await WebhookSubscriptions.ResolveAsync(dataSource, portfolio, request, options.Value.AllowPrivateTargets, ct);
        if (errors.Count > 0) return new(Problems.Invalid(errors));
        var max = options.Value.MaxPerUser;
        var created = await WebhookSubscriptions.AddAsync(dataSource, secrets, http.Author().UserName, resolved!, max, ct);
        return created is null
            ? new(Results.Problem(statusCode: StatusCodes.Status409Conflict, title: "Conflict",
                detail: $"You have {max} webhook subscriptions, the most one user may have (Tracker:Webhooks:MaxPerUser): remove one first."))
            : new(Results.Created($"/api/subscriptions/{created.Id}", created));
    }

    [EndpointSummary("Remove a subscription (204; 404 when it is not the caller's); what it has not delivered is dead-lettered"),
     WolverineDelete("/api/subscriptions/{id}"), Authorize(Policy = Roles.Policies.CanWrite)]
    public static async Task<Removed> Remove(Guid id, HttpContext http, NpgsqlDataSource dataSource, CancellationToken ct) =>
        Removed.Or(await WebhookSubscriptions.RemoveAsync(dataSource, id, http.Author().UserName, IsAdmin(http), ct),
            $"You have no subscription with id '{id}'.");

    [EndpointSummary("A subscription's newest deliveries (state: pending, delivered or dead; limit), with each one's last attempt"),
     WolverineGet("/api/subscriptions/{id}/deliveries"), Authorize(Policy = Roles.Policies.CanWrite)]
    public static async Task<Found<DeliveryPage>> Deliveries(Guid id, string? state, int? limit, HttpContext http, NpgsqlDataSource dataSource,
        CancellationToken ct)
    {
        var errors = new List<FieldError>();
        if (state is not null && !WebhookDeliveries.States.All.Contains(state))
            errors.Add(new FieldError("state", $"'{state}' is not a delivery state; one of: {string.Join(", ", WebhookDeliveries.States.All)}"));
        if (limit is < 1 or > WebhookDeliveries.MaxLimit) errors.Add(new FieldError("limit", $"must be between 1 and {WebhookDeliveries.MaxLimit}"));
        if (errors.Count > 0) return new(Problems.Invalid(errors));
        var (user, admin) = (http.Author().UserName, IsAdmin(http));
        await using (var conn = await dataSource.OpenConnectionAsync(ct))
            if (!await WebhookSubscriptions.IsVisibleAsync(conn, id, user, admin, ct))
                return new(Problems.NotFound($"You have no subscription with id '{id}'."));
        return new(Results.Ok(new DeliveryPage(await WebhookDeliveries.ListAsync(dataSource, user, admin, id, state, null, limit ?? 50, ct))));
    }

    /// <summary>200 with the delivery, due now with a fresh retry window.</summary>
    [EndpointSummary("Send a dead-lettered (or pending) delivery again now, retrying for a whole window again"),
     WolverinePost("/api/subscriptions/{id}/deliveries/{deliveryId}/retry"), Authorize(Policy = Roles.Policies.CanWrite)]
    public static async Task<DeliveryRetried> Retry(Guid id, long deliveryId, HttpContext http, NpgsqlDataSource dataSource, WebhookWake wake,
        CancellationToken ct)
    {
        var (user, admin) = (http.Author().UserName, IsAdmin(http));
        switch (await WebhookDeliveries.RetryAsync(dataSource, user, admin, id, deliveryId, ct))
        {
            case WebhookDeliveries.RetryOutcome.NotFound:
                return new(Problems.NotFound($"Subscription '{id}' has no delivery {deliveryId} of yours."));
            case WebhookDeliveries.RetryOutcome.Delivered:
                return new(Results.Problem(statusCode: StatusCodes.Status409Conflict, title: "Conflict",
                    detail: $"Delivery {deliveryId} was delivered already: there is nothing to retry."));
        }
        wake.Wake();
        return new(Results.Ok((await WebhookDeliveries.ListAsync(dataSource, user, admin, id, null, deliveryId, 1, ct))[0]));
    }

    private static bool IsAdmin(HttpContext http) => http.User.Role() == Roles.Admin;
}

/// <summary>201 subscribed (with the secret), 400 a field names what is wrong, 409 the caller has as many as one user may.</summary>
public sealed class Subscribed(IResult result) : Answer(result), IEndpointMetadataProvider
{
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder)
    {
        Json<SubscriptionCreated>(builder, StatusCodes.Status201Created);
        Problem<HttpValidationProblemDetails>(builder, StatusCodes.Status400BadRequest);
        Problem<ProblemDetails>(builder, StatusCodes.Status409Conflict);
    }
}

/// <summary>200 due again; 404 no such delivery of the caller's; 409 delivered already.</summary>
public sealed class DeliveryRetried(IResult result) : Answer(result), IEndpointMetadataProvider
{
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder)
    {
        Json<Delivery>(builder, StatusCodes.Status200OK);
        Problem<ProblemDetails>(builder, StatusCodes.Status404NotFound);
        Problem<ProblemDetails>(builder, StatusCodes.Status409Conflict);
    }
}
