using Tracker.Agreements;
using Tracker.Http;
using Tracker.Registry.Actors;
using Tracker.Registry.People;

namespace Tracker.Workbench.Pages.Agreements;

/// <summary>
/// The statement form's registry pickers, server-rendered: "Find actor" and "Find person" re-render the whole form
/// (so nothing typed is lost) with the registry's matches to choose from. No script is needed; a chosen person links
/// the statement to them by id and, when the role is empty, brings the role they held on the said-on date.
/// </summary>
public sealed class SpeakerPicker(ActorReads actors, PeopleReads people)
{
    public const int Shown = 8;

    /// <summary>Matches for the actor field as typed; null when not searched.</summary>
    public PageOf<ActorSummary>? Actors { get; private set; }
    public PageOf<PersonSummary>? People { get; private set; }
    /// <summary>The person the form links to (its hidden personId), as the registry has them.</summary>
    public PersonSummary? Linked { get; private set; }
    public string? Note { get; private set; }

    public async Task FindActorsAsync(StatementForm form, CancellationToken ct)
    {
        if (WorkbenchPage.Blank(form.SpeakerActor) is not { } q)
        {
            Note = "Type a code or a name in “Speaking for” first, then find it.";
            return;
        }
        Actors = await actors.SearchAsync(q.Trim(), null, new Paging(1, Shown), ct);
    }

    public async Task FindPeopleAsync(StatementForm form, CancellationToken ct)
    {
        if (WorkbenchPage.Blank(form.SpeakerName) is not { } q)
        {
            Note = "Type the speaker's name (any spelling) first, then find them.";
            return;
        }
        People = await people.SearchAsync(q.Trim(), new Paging(1, Shown), ct);
    }

    /// <summary>Links the form to the person; fills the role (held on the said-on date, or today) and the actor if empty.</summary>
    public async Task PickPersonAsync(StatementForm form, string? personId, DateOnly today, CancellationToken ct)
    {
        if (WorkbenchPage.Blank(personId) is not { } id || await people.FindAsync(id, new Paging(1, 1), ct) is not { } found)
        {
            Note = $"Person '{personId}' is not registered.";
            return;
        }
        form.PersonId = found.Person.PersonId;
        Linked = found.Person;
        // The name as spoken stays (it may be one of their other spellings); an empty one takes the registry's.
        form.SpeakerName = WorkbenchPage.Blank(form.SpeakerName) ?? found.Person.Name;
        if (WorkbenchPage.Blank(form.SpeakerRole) is not null) return;
        var dated = SaidOn.TryParse(form.SaidOn?.Trim(), out var said);
        var date = dated ? said.Start : today;
        var record = new PersonRecord { PersonId = found.Person.PersonId, Name = found.Person.Name, Roles = [.. found.Roles] };
        if (record.RoleOn(date) is not { } role)
        {
            Note = $"The registry has no role for {found.Person.Name} on {date:yyyy-MM-dd}.";
            return;
        }
        form.SpeakerRole = role.Role;
        form.SpeakerActor = WorkbenchPage.Blank(form.SpeakerActor) ?? role.Actor;
        Note = $"Role filled in from the registry: {role.Role} on {date:yyyy-MM-dd}" +
               (dated ? "." : " (today: no said-on date yet).");
    }

    /// <summary>The linked person, for a form posted back with a personId.</summary>
    public async Task LoadLinkedAsync(StatementForm form, CancellationToken ct)
    {
        if (Linked is not null || WorkbenchPage.Blank(form.PersonId) is not { } id) return;
        Linked = (await people.FindAsync(id, new Paging(1, 1), ct))?.Person;
    }
}
