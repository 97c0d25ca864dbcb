using Marten;
using Tracker.Agreements;
using Tracker.Audit;
using Tracker.Http;
using Tracker.Kernel;

namespace Tracker.Workbench.Pages;

/// <summary>The audit trail with the API's filters (user, agreement, record-time period), newest last.</summary>
public sealed class AuditModel(IQuerySession session) : WorkbenchPage
{
    public new string? User { get; private set; }
    public string? Agreement { get; private set; }
    public string? From { get; private set; }
    public string? To { get; private set; }
    public PageOf<AuditEntry>? Entries { get; private set; }

    public async Task OnGetAsync(string? user, string? agreement, string? from, string? to, int? page, CancellationToken ct)
    {
        (User, Agreement, From, To) = (Blank(user)?.Trim(), Blank(agreement)?.Trim(), Blank(from)?.Trim(), Blank(to)?.Trim());
        var errors = new List<Tracker.Kernel.FieldError>();
        var filter = AuditFilter.Parse(Agreement, User, From, To, errors);
        var paging = Paging.Parse(page, 100, errors);
        if (errors.Count > 0)
        {
            Refuse(errors, StatusCodes.Status400BadRequest);
            return;
        }
        Entries = await filter.PageAsync(session, paging, ct);
    }

    public string QueryFor(int page) => string.Join("&", new (string, string?)[]
            { ("user", User), ("agreement", Agreement), ("from", From), ("to", To), ("page", page.ToString()) }
        .Where(p => p.Item2 is not null).Select(p => $"{p.Item1}={Uri.EscapeDataString(p.Item2!)}"));

    /// <summary>Where a stream's page is: registry streams (actor:RENAULT, person:rustem-umerov) share the trail with agreements.</summary>
    public static string StreamPage(string stream) => stream switch
    {
        _ when stream.StartsWith(Tracker.Registry.Actors.ActorStreams.Prefix, StringComparison.Ordinal) =>
            "/actors/" + Uri.EscapeDataString(stream[Tracker.Registry.Actors.ActorStreams.Prefix.Length..]),
        _ when stream.StartsWith(Tracker.Registry.People.PersonStreams.Prefix, StringComparison.Ordinal) =>
            "/people/" + Uri.EscapeDataString(stream[Tracker.Registry.People.PersonStreams.Prefix.Length..]),
        _ => "/agreements/" + stream,
    };
}
