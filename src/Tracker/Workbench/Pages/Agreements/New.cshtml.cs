using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Tracker.Agreements;
using Tracker.Agreements.Deciding;
using Tracker.Agreements.Storage;
using Tracker.Http;
using Tracker.Kernel;

namespace Tracker.Workbench.Pages.Agreements;

[Authorize(Policy = WorkbenchSetup.Policies.Write)]
public sealed class NewAgreementModel(AgreementWriter writer, IConfiguration configuration) : WorkbenchPage
{
    public string? AgreementId { get; private set; }
    public string? Title { get; private set; }
    public string? Parties { get; private set; }
    public string? Summary { get; private set; }
    public string? Tags { get; private set; }
    /// <summary>The review policy chosen; empty: the deployment's default (<see cref="DefaultReview"/>).</summary>
    public string? Review { get; private set; }
    public string DefaultReview => configuration[OpenAgreement.DefaultReviewSetting] is { Length: > 0 } d ? d : SetReview.None;

    public string? PartyErrors => Errors.Where(e => e.Key.StartsWith("parties", StringComparison.Ordinal))
        .SelectMany(e => e.Value.Select(r => $"{e.Key}: {r}")) is var list && list.Any() ? string.Join("; ", list) : null;

    public void OnGet() { }

    public async Task<IActionResult> OnPostAsync(string? agreementId, string? title, string? parties, string? summary,
        string? tags, string? review, CancellationToken ct)
    {
        (AgreementId, Title, Parties, Summary, Tags, Review) = (agreementId, title, parties, summary, tags, review);
        var command = new OpenAgreement(agreementId?.Trim() ?? "", title ?? "", Split(parties)?.Select(p => p.ToUpperInvariant()).ToList(),
            summary, Split(tags), Review: string.IsNullOrWhiteSpace(review) ? null : review.Trim());
        command = command.WithDeploymentDefault(configuration);
        var result = await writer.ExecuteAsync(command, HttpContext.Author(), ct);
        if (result.Outcome is not Rejected rejected) return Redirect($"/agreements/{command.AgreementId}");
        Refuse(rejected);
        return Page();
    }

    private static List<string>? Split(string? text) => string.IsNullOrWhiteSpace(text)
        ? null
        : text.Split([',', ' ', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
}
