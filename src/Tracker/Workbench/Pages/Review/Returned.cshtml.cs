using Marten;
using Tracker.Agreements;
using Tracker.Http;

namespace Tracker.Workbench.Pages.Review;

/// <summary>The signed-in analyst's statements returned by a reviewer, with the reasons, oldest first: what to correct
/// and resubmit.</summary>
public sealed class ReturnedModel(IQuerySession session) : WorkbenchPage
{
    public PageOf<ProposalView>? Items { get; private set; }

    public async Task OnGetAsync(int? page, CancellationToken ct)
    {
        var errors = new List<Kernel.FieldError>();
        var paging = Paging.Parse(page, 50, errors);
        if (errors.Count > 0)
        {
            Refuse(errors, StatusCodes.Status400BadRequest);
            return;
        }
        Items = await ReviewEndpoints.ProposalsAsync(session, ProposalStates.Returned, null, HttpContext.User.Identity?.Name ?? "", paging, ct);
    }
}
