using Tracker.Agreements.Deciding;
using Tracker.Kernel;

namespace Tracker.Http;

public static class RouteMatches
{
    /// <summary>A body may repeat the route's id, but must not name another one.</summary>
    public static bool Check(string routeValue, string? bodyValue, List<FieldError> errors, string field = "agreementId")
    {
        if (string.IsNullOrEmpty(bodyValue) || bodyValue == routeValue) return true;
        errors.Add(new FieldError(field, $"'{bodyValue}' does not match the '{routeValue}' in the URL"));
        return false;
    }
}
