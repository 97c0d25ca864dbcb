using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Tracker.Agreements;
using Tracker.Agreements.Deciding;
using Tracker.Agreements.Storage;
using Tracker.Http;
using Tracker.Kernel;

namespace Tracker.Workbench.Pages.Agreements;

[Authorize(Policy = WorkbenchSetup.Policies.Write)]
public sealed class NewAgreementModel(AgreementWriter writer) : WorkbenchPage
{
    public string? AgreementId { get; private set; }
    public string? Title { get; private set; }
    public string? Parties { get; private set; }
    public string? Summary { get; private set; }
    public string? Tags { get; private set; }

    public string? PartyErrors => Errors.Where(e => e.Key.StartsWith("parties", StringComparison.Ordinal))
        .SelectMany(e => e.Value.Select(r => $"{e.Key}: {r}")) is var list && list.Any() ? string.Join("; ", list) : null;

    public void OnGet() { }

    public async Task<IActionResult> OnPostAsync(string? agreementId, string? title, string? parties, string? summary,
        string? tags, CancellationToken ct)
    {
        (AgreementId, Title, Parties, Summary, Tags) = (agreementId, title, parties, summary, tags);
        var command = new OpenAgreement(agreementId?.Trim() ?? "", title ?? "", Split(parties)?.Select(p => p.ToUpperInvariant()).ToList(),
            summary, Split(tags));
        var result = await writer.ExecuteAsync(command, HttpContext.Author(), ct);
        if (result.Outcome is not Rejected rejected) return Redirect($"/agreements/{command.AgreementId}");
        Refuse(rejected);
        return Page();
    }

    private static List<string>? Split(string? text) => string.IsNullOrWhiteSpace(text)
        ? null
        : text.Split([',', ' ', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
}
