using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;

namespace Tracker.Workbench.Pages;

public sealed class SignOutModel : WorkbenchPage
{
    public IActionResult OnGet() => Redirect("/");

    public async Task<IActionResult> OnPostAsync()
    {
        await HttpContext.SignOutAsync(WorkbenchSetup.Scheme);
        return Redirect("/signin");
    }
}
