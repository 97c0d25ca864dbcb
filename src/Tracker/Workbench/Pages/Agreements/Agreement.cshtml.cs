using Marten;
using Microsoft.AspNetCore.Mvc;
using Tracker.Agreements;
using Tracker.Agreements.Storage;
using Tracker.Http;
using Tracker.Kernel;
using Tracker.Security;

namespace Tracker.Workbench.Pages.Agreements;

public sealed record CommitmentForm(string? CommitmentId, string? Title, string? Category, string? TargetDate);

public sealed record TimelineEntry(SaidOn SaidOn, string Title, Stage? From, Stage To, EvidenceRef Evidence);

public sealed class AgreementModel(IQuerySession session, AgreementWriter writer) : WorkbenchPage
{
    public AgreementSummary? Summary { get; private set; }
    public List<TimelineEntry> Timeline { get; } = [];
    public string? Missing { get; private set; }
    public CommitmentForm Form { get; private set; } = new(null, null, null, null);
    /// <summary>Proposals not yet counted (four-eyes review): awaiting a reviewer, or returned to their proposer.</summary>
    public List<StatementProposal> Pending { get; } = [];
    public bool ReviewRequired { get; private set; }

    public async Task<IActionResult> OnGetAsync(string agreementId, CancellationToken ct) => await LoadAsync(agreementId, ct);

    // Razor Pages ignore attributes on handlers: the role is checked here (the API's slice checks everything else).
    public async Task<IActionResult> OnPostAsync(string agreementId, [FromForm] CommitmentForm form, CancellationToken ct)
    {
        Form = form;
        if (!MayWrite) return Forbid();
        DateOnly? target = null;
        if (!string.IsNullOrWhiteSpace(form.TargetDate))
        {
            if (DateOnly.TryParse(form.TargetDate, System.Globalization.CultureInfo.InvariantCulture, out var d)) target = d;
            else Show([new("targetDate", "is not a date (YYYY-MM-DD)")]);
        }
        if (Errors.Count == 0)
        {
            var command = new AddCommitment(agreementId, form.CommitmentId ?? "", form.Title ?? "", form.Category ?? "",
                TargetDate: target);
            var result = await writer.ExecuteAsync(command, HttpContext.Author(), ct);
            if (result.Outcome is not Tracker.Agreements.Deciding.Rejected rejected) return Redirect($"/agreements/{agreementId}");
            await LoadAsync(agreementId, ct);
            Refuse(rejected);
            return Page();
        }
        Response.StatusCode = StatusCodes.Status400BadRequest;
        return await LoadAsync(agreementId, ct);
    }

    public bool MaySetReview => User.Role() == Roles.Admin;

    /// <summary>Require review or stop requiring it: an administrator's decision, as over the API (an event, audited).</summary>
    public async Task<IActionResult> OnPostReviewAsync(string agreementId, [FromForm] string? review, CancellationToken ct)
    {
        if (!MaySetReview) return Forbid();
        var result = await writer.ExecuteAsync(new SetReview(agreementId, review), HttpContext.Author(), ct);
        if (result.Outcome is not Tracker.Agreements.Deciding.Rejected rejected) return Redirect($"/agreements/{agreementId}");
        await LoadAsync(agreementId, ct);
        Refuse(rejected);
        return Page();
    }

    private async Task<IActionResult> LoadAsync(string agreementId, CancellationToken ct)
    {
        var agreement = await session.LoadAsync(agreementId, null, ct);
        if (agreement is null)
        {
            Missing = $"Agreement '{agreementId}' does not exist.";
            Response.StatusCode = StatusCodes.Status404NotFound;
            return Page();
        }
        Summary = AgreementSummary.Of(agreement);
        ReviewRequired = agreement.ReviewRequired;
        Pending.AddRange(agreement.Proposals.Values.Where(p => p.State is ProposalStates.Awaiting or ProposalStates.Returned)
            .OrderBy(p => p.ProposedAt));
        foreach (var status in StatusRule.EvaluateAll(agreement))
            Timeline.AddRange(status.Transitions.Select(t => new TimelineEntry(t.SaidOn, status.Title, t.From, t.To, t.Evidence)));
        Timeline.Sort((x, y) => x.SaidOn.CompareTo(y.SaidOn));
        return Page();
    }
}
