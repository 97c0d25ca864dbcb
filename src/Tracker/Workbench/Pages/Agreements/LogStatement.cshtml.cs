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

public sealed class AssertionRow
{
    public string? CommitmentId { get; set; }
    public string? Stage { get; set; }
}

/// <summary>The form as posted: plain strings, turned into the API's <see cref="RecordStatement"/> and checked by it.</summary>
public sealed class StatementForm
{
    public Guid StatementId { get; set; }
    public List<AssertionRow> Assertions { get; set; } = [];
    public string? SpeakerName { get; set; }
    public string? SpeakerRole { get; set; }
    public string? SpeakerActor { get; set; }
    public string? SaidOn { get; set; }
    public string? Place { get; set; }
    public string? Quote { get; set; }
    public string? Language { get; set; }
    public string? Translation { get; set; }
    public string? Outlet { get; set; }
    public string? Kind { get; set; } = "media-report";
    public string? Url { get; set; }
    public string? Reliability { get; set; }
    public int? Credibility { get; set; }

    public RecordStatement ToCommand(string agreementId)
    {
        static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s;
        var assertions = Assertions.Where(a => Blank(a.CommitmentId) is not null || Blank(a.Stage) is not null)
            .Select(a => new AssertionInput(a.CommitmentId, a.Stage)).ToList();
        return new RecordStatement(agreementId, StatementId, Blank(SaidOn),
            Blank(SpeakerName) is null ? null : new SpeakerInput(SpeakerName, Blank(SpeakerRole), Blank(SpeakerActor)),
            Blank(Place), Blank(Quote), Blank(Language), Blank(Translation),
            new SourceInput(Blank(Outlet), Blank(Kind), Blank(Url), null, Blank(Reliability), Credibility),
            assertions);
    }
}

/// <summary>One form for one statement: a preview of what it will do, then one save (the form carries its id).</summary>
[Authorize(Policy = WorkbenchSetup.Policies.Write)]
public sealed class LogStatementModel(IQuerySession session, AgreementWriter writer) : WorkbenchPage
{
    public const int AssertionRows = 3;
    public static readonly string[] Shown =
    [
        "saidOn", "speaker", "speaker.name", "speaker.actor", "quote", "language", "translation", "assertions",
        "source.outlet", "source.kind", "source.url", "source.reliability", "source.credibility",
        .. Enumerable.Range(0, AssertionRows).SelectMany(i => new[] { $"assertions[{i}].commitmentId", $"assertions[{i}].stage" }),
    ];

    [BindProperty]
    public StatementForm Form { get; set; } = new();
    public string AgreementId { get; private set; } = "";
    public string AgreementTitle { get; private set; } = "";
    public List<Commitment> Commitments { get; private set; } = [];
    public List<string> Parties { get; private set; } = [];
    public List<string>? Preview { get; private set; }
    public bool Saved { get; private set; }

    public async Task<IActionResult> OnGetAsync(string agreementId, CancellationToken ct)
    {
        Form = new StatementForm { StatementId = Guid.CreateVersion7() };
        return await LoadAsync(agreementId, ct) is null ? NotFound() : Page();
    }

    public async Task<IActionResult> OnPostPreviewAsync(string agreementId, CancellationToken ct)
    {
        if (await LoadAsync(agreementId, ct) is not { } agreement) return NotFound();
        var command = Form.ToCommand(agreementId);
        var outcome = writer.Decide(command, agreement);
        switch (outcome)
        {
            case Rejected rejected:
                Refuse(rejected);
                break;
            case AlreadyDone:
                Preview = ["This statement is already recorded: saving again changes nothing."];
                break;
            case Accepted accepted:
                var before = StatusRule.EvaluateAll(agreement).ToDictionary(s => s.CommitmentId);
                var after = Agreement.Simulate(agreement, accepted.Events);
                Preview = Describe(before, StatusRule.EvaluateAll(after), command).ToList();
                break;
        }
        return Page();
    }

    public async Task<IActionResult> OnPostSaveAsync(string agreementId, CancellationToken ct)
    {
        if (await LoadAsync(agreementId, ct) is null) return NotFound();
        var result = await writer.ExecuteAsync(Form.ToCommand(agreementId), HttpContext.Author(), ct);
        if (result.Outcome is Rejected rejected)
        {
            Refuse(rejected);
            return Page();
        }
        return Redirect($"/agreements/{agreementId}?recorded={Form.StatementId}");
    }

    private static IEnumerable<string> Describe(Dictionary<string, CommitmentStatus> before, IReadOnlyList<CommitmentStatus> after,
        RecordStatement command)
    {
        var asserted = command.Assertions?.Select(a => a.CommitmentId).ToHashSet() ?? [];
        foreach (var now in after.Where(s => asserted.Contains(s.CommitmentId)))
        {
            var was = before.GetValueOrDefault(now.CommitmentId);
            var line = was?.Stage == now.Stage
                ? $"{now.CommitmentId}: stays {ReportText.Stage(now.Stage)} (corroborates)"
                : $"{now.CommitmentId}: {ReportText.Stage(was?.Stage)} → {ReportText.Stage(now.Stage)}";
            if (now.Contested && was?.Contested != true) line += "; becomes contested";
            yield return line;
        }
    }

    private async Task<Agreement?> LoadAsync(string agreementId, CancellationToken ct)
    {
        AgreementId = agreementId;
        var agreement = await session.LoadAsync(agreementId, null, ct);
        if (agreement is null) return null;
        AgreementTitle = agreement.Title;
        Commitments = agreement.Commitments;
        Parties = agreement.Parties;
        return agreement;
    }
}
