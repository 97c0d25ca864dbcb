using System.Security.Claims;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Tracker.Agreements.Deciding;
using Tracker.Http;
using Tracker.Security;
using Tracker.Kernel;

namespace Tracker.Workbench.Pages;

/// <summary>What every workbench page shares: who is signed in, and the API's field errors shown beside fields.</summary>
public abstract class WorkbenchPage : PageModel
{
    public static bool CanWrite(ClaimsPrincipal user) => user.Role() is Roles.Analyst or Roles.Reviewer or Roles.Admin;

    public bool MayWrite => CanWrite(User);

    /// <summary>Field errors by the API's field path (<c>assertions[0].stage</c>); the form shows each beside its field.</summary>
    public Dictionary<string, List<string>> Errors { get; } = new(StringComparer.Ordinal);

    public void Show(IEnumerable<FieldError> errors)
    {
        foreach (var e in errors)
        {
            if (!Errors.TryGetValue(e.Field, out var list)) Errors[e.Field] = list = [];
            list.Add(e.Reason);
        }
    }

    /// <summary>Errors shown beside their fields, the page answered with the status the API would give.</summary>
    public void Refuse(IEnumerable<FieldError> errors, int status)
    {
        Show(errors);
        Response.StatusCode = status;
    }

    public void Refuse(Rejected rejected) => Refuse(rejected.Errors, Problems.StatusOf(rejected.Kind));

    /// <summary>An empty form field means "not given".</summary>
    public static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s;

    public string? ErrorFor(string field) => Errors.TryGetValue(field, out var list) ? string.Join("; ", list) : null;

    /// <summary>Errors for a field and its items (<c>aliases</c> gathers <c>aliases[0]</c>, <c>aliases[2]</c>): a list typed
    /// into one box shows its items' errors beside that box.</summary>
    public string? ErrorsUnder(string prefix)
    {
        var reasons = Errors.Where(e => Under(e.Key, prefix)).SelectMany(e => e.Value).ToList();
        return reasons.Count == 0 ? null : string.Join("; ", reasons);
    }

    public IEnumerable<(string Field, string Reason)> OtherErrorsUnder(params string[] prefixes) =>
        Errors.Where(e => !prefixes.Any(p => Under(e.Key, p))).SelectMany(e => e.Value.Select(r => (e.Key, r)));

    private static bool Under(string field, string prefix) =>
        field == prefix || field.StartsWith(prefix + "[", StringComparison.Ordinal) || field.StartsWith(prefix + ".", StringComparison.Ordinal);

    /// <summary>Errors for fields the form has no place for (and that the page lists at the top).</summary>
    public IEnumerable<(string Field, string Reason)> OtherErrors(params string[] shown) =>
        Errors.Where(e => !shown.Contains(e.Key)).SelectMany(e => e.Value.Select(r => (e.Key, r)));
}
