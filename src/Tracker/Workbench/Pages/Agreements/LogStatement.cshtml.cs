using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Tracker.Agreements;
using Tracker.Agreements.Deciding;
using Tracker.Agreements.Storage;
using Tracker.Http;
using Tracker.Reports.Rendering;
using Tracker.Kernel;

namespace Tracker.Workbench.Pages.Agreements;

/// <summary>One form for one statement: a preview of what it will do, then one save (the form carries its id).</summary>
[Authorize(Policy = WorkbenchSetup.Policies.Write)]
public sealed class LogStatementModel(IQuerySession session, AgreementWriter writer, Npgsql.NpgsqlDataSource dataSource, TimeProvider clock,
    Tracker.Registry.Actors.ActorReads actors, Tracker.Registry.People.PeopleReads people) : WorkbenchPage
{
    public const int AssertionRows = 3;
    public static readonly string[] Shown =
    [
        "saidOn", "speaker", "speaker.name", "speaker.role", "speaker.actor", "speaker.personId", "quote", "language", "translation", "assertions",
        "source.outlet", "source.kind", "source.url", "source.archiveUrl", "source.documentId", "source.page", "source.paragraph", "source.reliability", "source.credibility",
        .. Enumerable.Range(0, AssertionRows).SelectMany(i => new[]
        {
            $"assertions[{i}].commitmentId", $"assertions[{i}].stage", $"assertions[{i}].quantity.amount", $"assertions[{i}].quantity.unit",
        }),
    ];

    [BindProperty]
    public StatementForm Form { get; set; } = new();
    public string AgreementId { get; private set; } = "";
    public string AgreementTitle { get; private set; } = "";
    public List<Commitment> Commitments { get; private set; } = [];
    public List<string> Parties { get; private set; } = [];
    /// <summary>The agreement's attached documents, which a statement may cite.</summary>
    public IReadOnlyList<CitedDocuments.Named> Documents { get; private set; } = [];
    public List<string>? Preview { get; private set; }
    public bool Saved { get; private set; }
    public SpeakerPicker Picker { get; } = new(actors, people);
    /// <summary>The writer's "today" (anywhere on Earth): what the form shows and checks agrees with what Save records.</summary>
    private DateOnly Today => global::Tracker.Agreements.Deciding.Today.Anywhere(clock);

    public async Task<IActionResult> OnGetAsync(string agreementId, CancellationToken ct)
    {
        Form = new StatementForm { StatementId = Guid.CreateVersion7() };
        return await LoadAsync(agreementId, ct) is null ? NotFound() : Page();
    }

    public async Task<IActionResult> OnPostPreviewAsync(string agreementId, CancellationToken ct)
    {
        if (await LoadAsync(agreementId, ct) is not { } agreement) return NotFound();
        var (command, formErrors) = Form.ToCommand(agreementId);
        await Picker.LoadLinkedAsync(Form, ct);
        var directory = await Tracker.Registry.RegistryReads.DirectoryAsync(dataSource, command, ct);
        var outcome = writer.Decide(command, agreement, directory);
        if (formErrors.Count > 0)
        {
            Refuse([.. formErrors, .. (outcome as Rejected)?.Errors ?? []], StatusCodes.Status400BadRequest);
            return Page();
        }
        switch (outcome)
        {
            case Rejected rejected:
                Refuse(rejected);
                break;
            case AlreadyDone:
                Preview = ["This statement is already recorded: saving again changes nothing."];
                break;
            case Accepted accepted:
                // Where review is required the preview is what approving it would do (ReviewStatement.PreApproved).
                var review = agreement.ReviewRequired;
                var asserted = (command.Assertions ?? []).Where(a => a?.CommitmentId is not null).GroupBy(a => a!.CommitmentId!)
                    .ToDictionary(g => g.Key, g => g.Last()!.Quantity);
                Preview = StatusPreview.Lines(agreement, review ? ReviewStatement.PreApproved(accepted.Events) : accepted.Events, asserted);
                if (review) Preview.Insert(0, "Review is required on this agreement: it counts once another analyst approves it. Once approved:");
                if (command.Source?.ArchiveUrl is { } archive) Preview.Add($"Source archived at {archive}");
                break;
        }
        return Page();
    }

    public async Task<IActionResult> OnPostSaveAsync(string agreementId, CancellationToken ct)
    {
        if (await LoadAsync(agreementId, ct) is not { } agreement) return NotFound();
        await Picker.LoadLinkedAsync(Form, ct);
        var (command, formErrors) = Form.ToCommand(agreementId);
        if (formErrors.Count > 0)
        {
            // Nothing is written, but the API's view of the rest of the form is shown too, so one round trip shows all.
            var directory = await Tracker.Registry.RegistryReads.DirectoryAsync(dataSource, command, ct);
            var rest = writer.Decide(command, agreement, directory) as Rejected;
            Refuse([.. formErrors, .. rest?.Errors ?? []], StatusCodes.Status400BadRequest);
            return Page();
        }
        var result = await writer.ExecuteAsync(command, HttpContext.Author(), ct);
        if (result.Outcome is Rejected rejected)
        {
            Refuse(rejected);
            return Page();
        }
        return Redirect($"/agreements/{agreementId}?recorded={Form.StatementId}");
    }

    // The pickers: each re-renders the form as posted, with the registry's matches or the choice made.
    public Task<IActionResult> OnPostFindActorAsync(string agreementId, CancellationToken ct) =>
        RenderAsync(agreementId, () => Picker.FindActorsAsync(Form, ct), ct);

    public Task<IActionResult> OnPostPickActorAsync(string agreementId, string? pick, CancellationToken ct) =>
        RenderAsync(agreementId, () =>
        {
            Form.SpeakerActor = pick;
            return Task.CompletedTask;
        }, ct);

    public Task<IActionResult> OnPostFindPersonAsync(string agreementId, CancellationToken ct) =>
        RenderAsync(agreementId, () => Picker.FindPeopleAsync(Form, ct), ct);

    public Task<IActionResult> OnPostPickPersonAsync(string agreementId, string? pick, CancellationToken ct) =>
        RenderAsync(agreementId, () => Picker.PickPersonAsync(Form, pick, Today, ct), ct);

    public Task<IActionResult> OnPostUnlinkPersonAsync(string agreementId, CancellationToken ct) =>
        RenderAsync(agreementId, () =>
        {
            Form.PersonId = null;
            return Task.CompletedTask;
        }, ct);

    private async Task<IActionResult> RenderAsync(string agreementId, Func<Task> pick, CancellationToken ct)
    {
        if (await LoadAsync(agreementId, ct) is null) return NotFound();
        await pick();
        await Picker.LoadLinkedAsync(Form, ct);
        return Page();
    }

    private async Task<Agreement?> LoadAsync(string agreementId, CancellationToken ct)
    {
        AgreementId = agreementId;
        var agreement = await session.LoadAsync(agreementId, null, ct);
        if (agreement is null) return null;
        AgreementTitle = agreement.Title;
        Commitments = agreement.Commitments;
        Parties = agreement.Parties;
        Documents = [.. (await CitedDocuments.OfAgreementAsync(dataSource, agreementId, null, ct)).Values.OrderBy(d => d.Title ?? d.FileName, StringComparer.Ordinal)];
        return agreement;
    }
}
