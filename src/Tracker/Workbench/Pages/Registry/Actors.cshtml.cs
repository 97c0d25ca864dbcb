using Microsoft.AspNetCore.Mvc;
using Tracker.Agreements;
using Tracker.Agreements.Deciding;
using Tracker.Http;
using Tracker.Kernel;
using Tracker.Registry;
using Tracker.Registry.Actors;

namespace Tracker.Workbench.Pages.Registry;

/// <summary>The register-an-actor form as posted: aliases typed in one box, comma-separated.</summary>
public sealed class ActorForm
{
    public string? ActorId { get; set; }
    public string? Kind { get; set; } = "company";
    public string? Name { get; set; }
    public string? Country { get; set; }
    public string? Aliases { get; set; }

    // Codes are capitals by definition: "renault" typed in the form means RENAULT.
    public RegisterActor ToCommand() => new(WorkbenchPage.Blank(ActorId)?.Trim().ToUpperInvariant(), WorkbenchPage.Blank(Kind),
        WorkbenchPage.Blank(Name), WorkbenchPage.Blank(Country)?.Trim().ToUpperInvariant(), Aliases: RegistryForms.List(Aliases));
}

/// <summary>Search the actor registry (code, name, alias in any script; kind); analysts register new actors here.</summary>
public sealed class ActorsModel(ActorReads actors, RegistryWriter writer) : WorkbenchPage
{
    public const int PageSize = 20;
    public static readonly string[] Shown = ["actorId", "kind", "name", "country", "aliases"];

    [BindProperty]
    public ActorForm Form { get; set; } = new();
    public string? Q { get; private set; }
    public string? Kind { get; private set; }
    public PageOf<ActorSummary>? Results { get; private set; }

    /// <param name="newId">Prefills the register form (the statement form links here for a code the registry lacks).</param>
    public async Task OnGetAsync(string? q, string? kind, int? page, string? newId, CancellationToken ct)
    {
        (Q, Kind) = (Blank(q), Blank(kind));
        Form.ActorId = Blank(newId)?.Trim().ToUpperInvariant();
        var errors = new List<FieldError>();
        var paging = Paging.Parse(page, PageSize, errors);
        var check = new Checks();
        ActorKind? kindFilter = Kind is not null && check.Vocabulary<ActorKind>("kind", Kind, out var k) ? k : null;
        errors.AddRange(check.Errors);
        if (Q is { Length: > NameKey.MaxLength }) errors.Add(new FieldError("q", $"is longer than {NameKey.MaxLength} characters"));
        if (errors.Count > 0)
        {
            // The search's errors are its own: "kind" here is the filter's, not the register form's.
            foreach (var e in errors) Show([e with { Field = "search." + e.Field }]);
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }
        Results = await actors.SearchAsync(Q, kindFilter, paging, ct);
    }

    // Razor Pages ignore attributes on handlers: the role is checked here (the writer checks everything else).
    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (!MayWrite) return Forbid();
        var command = Form.ToCommand();
        var result = await writer.ExecuteAsync(command, HttpContext.Author(), ct);
        if (result.Outcome is Rejected rejected)
        {
            Refuse(rejected);
            return Page();
        }
        // Registered now or already, with these details: either way the actor's page is where the analyst goes next.
        return Redirect($"/actors/{Uri.EscapeDataString(command.ActorId!)}");
    }

    public string Href => $"/actors?q={Uri.EscapeDataString(Q ?? "")}&kind={Uri.EscapeDataString(Kind ?? "")}&";
}
