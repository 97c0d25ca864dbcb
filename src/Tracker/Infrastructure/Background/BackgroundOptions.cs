namespace Tracker.Infrastructure.Background;

/// <summary>
/// <c>Tracker:Background:*</c>: how much of the machine the work done after a write (webhook deliveries, source
/// captures, and the dispatchers that create them) may take while requests keep the service busy (README, "Benchmarks").
/// </summary>
public sealed class BackgroundOptions
{
    public const string Section = "Tracker:Background";

    /// <summary>The share of time requests are in flight (over about the last second) from which background work is
    /// throttled. Below it (a steady trickle of requests) it runs as fast as its workers go.</summary>
    public double BusyAbove { get; set; } = 0.5;

    /// <summary>The least share of wall-clock time background work gets while throttled: it gets what requests leave
    /// (1 - their share), but never less than this, so it always progresses. 1 turns the throttle off.</summary>
    public double BusyShare { get; set; } = 0.1;
}
