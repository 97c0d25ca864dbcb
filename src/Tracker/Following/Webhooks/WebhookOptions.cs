namespace Tracker.Following.Webhooks;

/// <summary>
/// <c>Tracker:Webhooks:*</c>. The defaults are the product's promise (retries for 26 hours, 10 s per attempt, no private
/// targets); tests shorten the delays and allow their receiver on 127.0.0.1.
/// </summary>
public sealed class WebhookOptions
{
    public const string Section = "Tracker:Webhooks";

    /// <summary>Whether targets may resolve to loopback, private, link-local and other internal addresses. Off: a
    /// subscription could otherwise make the service reach what only it can reach (metadata services, the database).</summary>
    public bool AllowPrivateTargets { get; set; }

    /// <summary>How often the dispatcher looks for new changes, and a sender for due deliveries when not woken.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(150);

    /// <summary>The wait after the first failed attempt; it doubles after each failure, up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromSeconds(5);

    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How long a delivery is retried before it is dead-lettered (counted from its first attempt).</summary>
    public TimeSpan RetryFor { get; set; } = TimeSpan.FromHours(26);

    /// <summary>One attempt: connecting, sending and reading the answer.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a claimed delivery is left to its sender: after it, another instance may send it again (the
    /// sender died mid-POST). Longer than <see cref="Timeout"/>.</summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Deliveries one instance sends at the same time.</summary>
    public int Parallelism { get; set; } = 8;

    /// <summary>The address users reach the service at (<c>https://tracker.example.org</c>): payload links are absolute
    /// when set, paths when not.</summary>
    public string? PublicUrl { get; set; }

    /// <summary>Subscriptions one user may have at once: each one is a row written, and a POST sent, per matching change.</summary>
    public int MaxPerUser { get; set; } = 100;

    /// <summary>Delivered deliveries are kept this long (shown on the workbench's page), then deleted.</summary>
    public TimeSpan KeepDelivered { get; set; } = TimeSpan.FromDays(7);

    /// <summary>The wait before attempt <paramref name="failed"/> + 1: doubling from the first delay up to the cap,
    /// ±20 % so that receivers coming back are not hit by every sender at once.</summary>
    public TimeSpan DelayAfter(int failed, double jitter)
    {
        var doubled = FirstRetryDelay.TotalMilliseconds * Math.Pow(2, Math.Min(Math.Max(failed - 1, 0), 30));
        return TimeSpan.FromMilliseconds(Math.Min(doubled, MaxRetryDelay.TotalMilliseconds) * (0.8 + 0.4 * jitter));
    }
}
