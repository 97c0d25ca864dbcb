using Marten;
using Microsoft.AspNetCore.Mvc;
using Tracker.Agreements;
using Tracker.Agreements.Deciding;
using Tracker.Agreements.Storage;
using Tracker.Http;
using Tracker.Security;
using Tracker.Workbench.Pages.Agreements;

namespace Tracker.Workbench.Pages.Review;

/// <summary>One proposal in the queue, with what approving it would change (the statement form's preview).</summary>
public sealed record QueueItem(ProposalView Proposal, StatementContent? Reading, List<string> Preview);

/// <summary>
/// The review queue: proposals awaiting review, oldest first (filter by agreement), each with its quote, its source and
/// what approving it would change; approve, return or reject, each decided by the same slice as the API's.
/// </summary>
public sealed class QueueModel(IQuerySession session, AgreementWriter writer, IConfiguration configuration) : WorkbenchPage
{
    public const int PageSize = 20;
    public string? Agreement { get; private set; }
    public PageOf<QueueItem>? Items { get; private set; }
    public string? Decided { get; private set; }
    public bool MayReview => Roles.ReviewersOf(configuration).Contains(User.Role());

    public async Task OnGetAsync(string? agreement, int? page, string? decided, CancellationToken ct)
    {
        Decided = Blank(decided);
        await LoadAsync(agreement, page, ct);
    }

    // Razor Pages ignore attributes on handlers: the role is checked here (the slice checks everything else).
    public async Task<IActionResult> OnPostAsync(string agreementId, Guid statementId, string? decision, string? reason,
        string? agreement, CancellationToken ct)
    {
        if (!MayReview) return Forbid();
        var result = await writer.ExecuteAsync(new ReviewStatement(agreementId, statementId, decision, reason), HttpContext.Author(), ct);
        if (result.Outcome is Rejected rejected)
        {
            Refuse(rejected);
            await LoadAsync(agreement, null, ct);
            return Page();
        }
        var back = Blank(agreement) is { } a ? $"agreement={Uri.EscapeDataString(a)}&" : "";
        return Redirect($"/review?{back}decided={Uri.EscapeDataString($"{decision} {statementId}")}");
    }

    private async Task LoadAsync(string? agreement, int? page, CancellationToken ct)
    {
        Agreement = Blank(agreement)?.Trim();
        var errors = new List<Kernel.FieldError>();
        var paging = Paging.Parse(page, PageSize, errors);
        if (errors.Count > 0)
        {
            Refuse(errors, StatusCodes.Status400BadRequest);
            return;
        }
        var found = await ReviewEndpoints.ProposalsAsync(session, ProposalStates.Awaiting, Agreement, null, paging, ct);
        var items = new List<QueueItem>(found.Items.Count);
        foreach (var p in found.Items)
        {
            // Loaded for each proposal: the preview applies the approval's events to it.
            var state = await session.LoadAsync(p.AgreementId, null, ct);
            var statement = state?.Statement(p.StatementId);
            var reading = p.Content ?? statement?.Current;
            var preview = new List<string>();
            if (state is not null &&
                ReviewStatement.Decide(state, new ReviewStatement(p.AgreementId, p.StatementId, ReviewDecisions.Approve) { Reviewer = "\u0001preview" })
                    is Accepted approval)
            {
                var asserted = p.CommitmentIds.ToDictionary(id => id, id =>
                    (p.Content ?? p.Changes?.ApplyTo(statement!.Current))?.Assertions.LastOrDefault(x => x.CommitmentId == id)?.Quantity);
                preview = StatusPreview.Lines(state, approval.Events, asserted,
                    stays: p.Kind == ProposalKinds.Statement ? " (corroborates)" : "");
            }
            items.Add(new QueueItem(p, reading, preview));
        }
        Items = new PageOf<QueueItem>(items, found.Page, found.PageSize, found.Total);
    }
}
