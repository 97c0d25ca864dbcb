using Microsoft.AspNetCore.Mvc;
using Tracker.Http;
using Tracker.Kernel;
using Tracker.Registry.Actors;

namespace Tracker.Workbench.Pages.Registry;

/// <summary>One actor: its entry, the agreements it is a party to and the statements spoken for it (or a unit of it).</summary>
public sealed class ActorModel(ActorReads actors) : WorkbenchPage
{
    public const int PageSize = 20;
    public ActorDetails? Details { get; private set; }
    public string ActorId { get; private set; } = "";

    public async Task<IActionResult> OnGetAsync(string actorId, int? page, CancellationToken ct)
    {
        ActorId = actorId;
        var errors = new List<FieldError>();
        var paging = Paging.Parse(page, PageSize, errors);
        if (errors.Count > 0)
        {
            Refuse(errors, StatusCodes.Status400BadRequest);
            return Page();
        }
        Details = await actors.FindAsync(actorId, paging, ct);
        if (Details is null) Response.StatusCode = StatusCodes.Status404NotFound;
        return Page();
    }

    /// <summary>One page number for both lists, as the API has it: the pager runs as far as the longer list.</summary>
    public Pager Pager(ActorDetails d) => new(d.Statements.Page, PageSize, Math.Max(d.Agreements.Total, d.Statements.Total),
        $"/actors/{Uri.EscapeDataString(ActorId)}?");
}
