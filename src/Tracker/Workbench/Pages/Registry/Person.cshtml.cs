using Microsoft.AspNetCore.Mvc;
using Tracker.Http;
using Tracker.Kernel;
using Tracker.Registry.People;

namespace Tracker.Workbench.Pages.Registry;

/// <summary>One person: their spellings, roles over time, and every statement they made under any of them.</summary>
public sealed class PersonModel(PeopleReads people) : WorkbenchPage
{
    public const int PageSize = 20;
    public PersonDetails? Details { get; private set; }
    public string PersonId { get; private set; } = "";

    public async Task<IActionResult> OnGetAsync(string personId, int? page, CancellationToken ct)
    {
        PersonId = personId;
        var errors = new List<FieldError>();
        var paging = Paging.Parse(page, PageSize, errors);
        if (errors.Count > 0)
        {
            Refuse(errors, StatusCodes.Status400BadRequest);
            return Page();
        }
        Details = await people.FindAsync(personId, paging, ct);
        if (Details is null) Response.StatusCode = StatusCodes.Status404NotFound;
        return Page();
    }

    public string Href => $"/people/{Uri.EscapeDataString(PersonId)}?";
}
