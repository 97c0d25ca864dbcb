using JasperFx;
using JasperFx.CodeGeneration;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Tracker.Security;
using Wolverine.Http;

namespace Tracker.Http;

/// <summary>
/// Adds to each endpoint's description the refusals that come before it runs, as this host really gives them: 401
/// without a valid token (all but anonymous endpoints), 403 for a role below the endpoint's policy, 400/413/415 for a
/// body that is malformed, too large or not JSON (<see cref="RequestBodyGuard"/>), 400 for a query parameter a write does
/// not take (<see cref="WriteQueryGuard"/>), and 429 from the rate limiter, which sees every request.
/// </summary>
public sealed class DocumentedRefusals : IHttpPolicy
{
    public void Apply(IReadOnlyList<HttpChain> chains, GenerationRules rules, IServiceContainer container)
    {
        foreach (var chain in chains)
        {
            var method = chain.Method.Method;
            var anonymous = method.IsDefined(typeof(AllowAnonymousAttribute), true);
            var policies = method.GetCustomAttributes(typeof(AuthorizeAttribute), true).Cast<AuthorizeAttribute>()
                .Select(a => a.Policy).ToList();
            var statuses = new List<(int Status, Type Type)>();
            if (!anonymous) statuses.Add((StatusCodes.Status401Unauthorized, typeof(ProblemDetails)));
            if (policies.Any(p => p is Roles.Policies.CanWrite or Roles.Policies.CanReview or Roles.Policies.CanAdminister))
                statuses.Add((StatusCodes.Status403Forbidden, typeof(ProblemDetails)));
            if (chain.HasRequestType)
            {
                statuses.Add((StatusCodes.Status413PayloadTooLarge, typeof(ProblemDetails)));
                statuses.Add((StatusCodes.Status415UnsupportedMediaType, typeof(ProblemDetails)));
            }
            if (chain.HasRequestType || WriteQueryGuard.IsWrite(chain.HttpMethods))
                statuses.Add((StatusCodes.Status400BadRequest, typeof(HttpValidationProblemDetails)));
            statuses.Add((StatusCodes.Status429TooManyRequests, typeof(ProblemDetails)));

            chain.Add(builder =>
            {
                foreach (var (status, type) in statuses)
                    if (!builder.Metadata.OfType<Microsoft.AspNetCore.Http.Metadata.IProducesResponseTypeMetadata>().Any(m => m.StatusCode == status))
                        builder.Metadata.Add(new Produces(status, type, [Answer.ProblemContentType]));
            });
        }
    }
}
