using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Tracker.Agreements;
using Tracker.Agreements.Deciding;
using Tracker.Http;
using Tracker.Kernel;
using Tracker.Registry;
using Tracker.Registry.People;

namespace Tracker.Workbench.Pages.Registry;

/// <summary>The register-a-person form as posted: aliases in one box, one role row (more roles: the API or the CLI).</summary>
public sealed class PersonForm
{
    public string? Name { get; set; }
    public string? Aliases { get; set; }
    public string? Role { get; set; }
    public string? RoleActor { get; set; }
    public string? RoleFrom { get; set; }
    public string? RoleTo { get; set; }

    /// <summary>The command, and the dates the form alone can tell are not dates (named as the API would name them).</summary>
    public (RegisterPerson Command, List<FieldError> Errors) ToCommand()
    {
        var errors = new List<FieldError>();
        var from = DateOf("roles[0].from", RoleFrom, errors);
        var to = DateOf("roles[0].to", RoleTo, errors);
        var actor = WorkbenchPage.Blank(RoleActor)?.Trim().ToUpperInvariant();
        // A role row left empty is no role; one half-filled goes to the writer, which names what is missing.
        IReadOnlyList<RoleInput>? roles = WorkbenchPage.Blank(Role) is null && actor is null && from is null && to is null
            ? null : [new RoleInput(WorkbenchPage.Blank(Role), actor, from, to)];
        var name = WorkbenchPage.Blank(Name);
        return (new RegisterPerson(RegisterPerson.IdFor(name), name, RegistryForms.List(Aliases), roles), errors);
    }

    private static DateOnly? DateOf(string field, string? text, List<FieldError> errors)
    {
        if (WorkbenchPage.Blank(text) is not { } t) return null;
        if (DateOnly.TryParseExact(t.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)) return d;
        errors.Add(new FieldError(field, $"'{t}' is not a date (YYYY-MM-DD)"));
        return null;
    }
}

/// <summary>Search the people registry (names and aliases in any script); analysts register new people here.</summary>
public sealed class PeopleModel(PeopleReads people, RegistryWriter writer) : WorkbenchPage
{
    public const int PageSize = 20;
    public static readonly string[] Shown = ["name", "aliases", "roles", "personId"];

    [BindProperty]
    public PersonForm Form { get; set; } = new();
    public string? Q { get; private set; }
    public PageOf<PersonSummary>? Results { get; private set; }

    /// <param name="newName">Prefills the register form (the statement form links here for a name the registry lacks).</param>
    public async Task OnGetAsync(string? q, int? page, string? newName, CancellationToken ct)
    {
        Q = Blank(q);
        Form.Name = Blank(newName)?.Trim();
        var errors = new List<FieldError>();
        var paging = Paging.Parse(page, PageSize, errors);
        if (Q is { Length: > NameKey.MaxLength }) errors.Add(new FieldError("q", $"is longer than {NameKey.MaxLength} characters"));
        if (errors.Count > 0)
        {
            foreach (var e in errors) Show([e with { Field = "search." + e.Field }]);
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }
        Results = await people.SearchAsync(Q, paging, ct);
    }

    // Razor Pages ignore attributes on handlers: the role is checked here (the writer checks everything else).
    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (!MayWrite) return Forbid();
        var (command, formErrors) = Form.ToCommand();
        if (formErrors.Count > 0)
        {
            Refuse(formErrors, StatusCodes.Status400BadRequest);
            return Page();
        }
        var result = await writer.ExecuteAsync(command, HttpContext.Author(), ct);
        if (result.Outcome is Rejected rejected)
        {
            Refuse(rejected);
            return Page();
        }
        return Redirect($"/people/{Uri.EscapeDataString(command.PersonId!)}");
    }

    public string Href => $"/people?q={Uri.EscapeDataString(Q ?? "")}&";
}
