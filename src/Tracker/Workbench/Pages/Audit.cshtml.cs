using Marten;
using Tracker.Agreements;
using Tracker.Audit;
using Tracker.Http;

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
        (User, Agreement, From, To) = (Blank(user), Blank(agreement), Blank(from), Blank(to));
        var errors = new List<Tracker.Agreements.Deciding.FieldError>();
        var fromInstant = RequestContext.ParseInstant(From, "from", errors, dateMeansStart: true);
        var toInstant = RequestContext.ParseInstant(To, "to", errors);
        var paging = Paging.Parse(page, 100, errors);
        if (errors.Count > 0)
        {
            Show(errors);
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }
        var query = new AuditFilter(Agreement, User, fromInstant, toInstant).Apply(session);
        var total = await query.CountAsync(ct);
        var items = await query.Skip(paging.Offset).Take(paging.Size).ToListAsync(ct);
        Entries = new PageOf<AuditEntry>(items.ToList(), paging.Page, paging.Size, total);
    }

    public string QueryFor(int page) => string.Join("&", new (string, string?)[]
            { ("user", User), ("agreement", Agreement), ("from", From), ("to", To), ("page", page.ToString()) }
        .Where(p => p.Item2 is not null).Select(p => $"{p.Item1}={Uri.EscapeDataString(p.Item2!)}"));

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
}
