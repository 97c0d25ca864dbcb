using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Npgsql;
using Tracker.Following.Webhooks;
using Tracker.Http;
using Tracker.Kernel;
using Tracker.Portfolio;
using Tracker.Security;

namespace Tracker.Workbench.Pages;

/// <summary>Webhooks in the workbench: the user's subscriptions (subscribe, remove), their dead letters with a Retry
/// button, and their newest deliveries with what each attempt got. Analysts and admins, as the API.</summary>
[Authorize(Policy = WorkbenchSetup.Policies.Write)]
public sealed class SubscriptionsModel(NpgsqlDataSource dataSource, PortfolioReads portfolio, WebhookSecrets secrets,
    IOptions<WebhookOptions> options, WebhookWake wake) : WorkbenchPage
{
    public const int Shown = 20;
    public IReadOnlyList<Subscription> Subscriptions { get; private set; } = [];
    public IReadOnlyList<Delivery> Dead { get; private set; } = [];
    public IReadOnlyList<Delivery> Recent { get; private set; } = [];
    /// <summary>A subscription just created: its secret is shown once, on the page that created it.</summary>
    public SubscriptionCreated? Created { get; private set; }
    public string? Notice { get; private set; }

    [BindProperty] public SubscribeForm Form { get; set; } = new();

    public sealed class SubscribeForm
    {
        public string? Url { get; set; }
        public string? Agreement { get; set; }
        public string? Party { get; set; }
        public string? Category { get; set; }
        public List<string> Events { get; set; } = [Tracker.Portfolio.ChangeLog.Kinds.StatusChanged];
    }

    private string Me => HttpContext.Author().UserName;
    private bool Admin => HttpContext.User.Role() == Roles.Admin;

    public Task OnGetAsync(CancellationToken ct) => LoadAsync(ct);

    public async Task<IActionResult> OnPostSubscribeAsync(CancellationToken ct)
    {
        var request = new SubscriptionRequest(Blank(Form.Url), new SubscriptionFilter(Blank(Form.Agreement), Blank(Form.Party), Blank(Form.Category)),
            Form.Events);
        var (errors, resolved) = await WebhookSubscriptions.ResolveAsync(dataSource, portfolio, request, options.Value.AllowPrivateTargets, ct);
        if (errors.Count > 0) Refuse(errors, StatusCodes.Status400BadRequest);
        else
        {
            var max = options.Value.MaxPerUser;
            Created = await WebhookSubscriptions.AddAsync(dataSource, secrets, Me, resolved!, max, ct);
            if (Created is null)
                Refuse([new FieldError("subscriptions", $"you have {max}, the most one user may have: remove one first")],
                    StatusCodes.Status409Conflict);
            else Form = new SubscribeForm();
        }
        await LoadAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostRemoveAsync(Guid id, CancellationToken ct)
    {
        if (!await WebhookSubscriptions.RemoveAsync(dataSource, id, Me, Admin, ct)) return NotFound();
        return LocalRedirect("/subscriptions");
    }

    public async Task<IActionResult> OnPostRetryAsync(Guid subscription, long delivery, CancellationToken ct)
    {
        switch (await WebhookDeliveries.RetryAsync(dataSource, Me, Admin, subscription, delivery, ct))
        {
            case WebhookDeliveries.RetryOutcome.NotFound: return NotFound();
            case WebhookDeliveries.RetryOutcome.Retried: wake.Wake(); break;
        }
        return LocalRedirect("/subscriptions?retried=" + delivery);
    }

    public static string Describe(SubscriptionFilter f) => string.Join(", ", new (string, string?)[]
            { ("agreement", f.Agreement), ("party", f.Party), ("category", f.Category) }
        .Where(p => p.Item2 is not null).Select(p => $"{p.Item1} {p.Item2}")) is { Length: > 0 } d ? d : "everything";

    public static string What(Delivery d) =>
        $"{d.Kind ?? "?"}: {d.AgreementId ?? "?"}{(d.CommitmentId is { } c ? " / " + c : "")}";

    /// <summary>What the last attempt got: the error says the status too when there was one.</summary>
    public static string LastAnswer(Delivery d) => d.LastError ?? d.LastStatus?.ToString() ?? "";

    public string UrlOf(Guid subscription) => Subscriptions.FirstOrDefault(s => s.Id == subscription)?.Url ?? "";

    private async Task LoadAsync(CancellationToken ct)
    {
        if (Request.Query["retried"] is [{ } retried]) Notice = $"Delivery {retried} is due again now.";
        Subscriptions = await WebhookSubscriptions.ListAsync(dataSource, Me, Admin, ct);
        Dead = await WebhookDeliveries.ListAsync(dataSource, Me, Admin, null, WebhookDeliveries.States.Dead, null, Shown, ct);
        Recent = await WebhookDeliveries.ListAsync(dataSource, Me, Admin, null, null, null, Shown, ct);
    }
}
