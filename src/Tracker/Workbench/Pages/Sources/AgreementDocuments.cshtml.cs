using Marten;
using Microsoft.AspNetCore.Mvc;
using Npgsql;
using Tracker.Http;
using Tracker.Sources;

namespace Tracker.Workbench.Pages.Sources;

/// <summary>An agreement's own documents: listed with their hashes, and (for analysts) a form to attach one.</summary>
[RequestSizeLimit(Documents.MaxBytes + 64 * 1024)]
[RequestFormLimits(MultipartBodyLengthLimit = Documents.MaxBytes + 64 * 1024)]
public sealed class AgreementDocumentsModel(NpgsqlDataSource dataSource, IDocumentStore store) : WorkbenchPage
{
    public string AgreementId { get; private set; } = "";
    public AgreementDocuments? Found { get; private set; }
    public IReadOnlyList<AgreementDocument> List => Found?.Documents ?? [];

    public async Task OnGetAsync(string agreementId, int? page, CancellationToken ct)
    {
        AgreementId = agreementId;
        var errors = new List<Kernel.FieldError>();
        var paging = Paging.Parse(page, 100, errors);
        if (errors.Count > 0)
        {
            Refuse(errors, StatusCodes.Status400BadRequest);
            return;
        }
        Found = await Documents.OfAgreementAsync(dataSource, agreementId, paging, ct);
    }

    public async Task<IActionResult> OnPostAsync(string agreementId, IFormFile? file, string? title, CancellationToken ct)
    {
        if (!MayWrite) return Forbid();
        var outcome = await Documents.AttachAsync(agreementId, file, title, HttpContext.Author(), store, dataSource, ct);
        if (outcome.Status == 201) return Redirect($"/agreements/{Uri.EscapeDataString(agreementId)}/documents");
        Refuse(outcome.Errors, outcome.Status);
        await OnGetAsync(agreementId, null, ct);
        return Page();
    }
}
