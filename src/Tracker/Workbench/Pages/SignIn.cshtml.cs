using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Tracker.Security;

namespace Tracker.Workbench.Pages;

public sealed class SignInModel(TokenLookup tokens, IHostEnvironment environment) : WorkbenchPage
{
    public string? Name { get; private set; }
    public string? ReturnUrl { get; private set; }
    public string? Failed { get; private set; }

    public void OnGet(string? returnUrl)
    {
        ReturnUrl = returnUrl;
        // In Development the start-up prints a token for this user: the form names them already.
        if (environment.IsDevelopment()) Name = Infrastructure.Welcome.DevelopmentUser;
    }

    public async Task<IActionResult> OnPostAsync(string? name, string? token, string? returnUrl, CancellationToken ct)
    {
        Name = name;
        ReturnUrl = returnUrl;
        var user = string.IsNullOrWhiteSpace(token) ? null : await tokens.FindAsync(token.Trim(), ct);
        if (user is null || !string.Equals(user.Id, name?.Trim(), StringComparison.Ordinal))
        {
            Failed = "That user name and token do not match an active user.";
            Response.StatusCode = StatusCodes.Status401Unauthorized;
            return Page();
        }
        await HttpContext.SignInAsync(WorkbenchSetup.Scheme, WorkbenchSetup.PrincipalFor(user),
            new AuthenticationProperties { IsPersistent = false });
        return LocalRedirect(Url.IsLocalUrl(returnUrl) ? returnUrl! : "/");
    }
}
