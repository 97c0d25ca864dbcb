using System.Diagnostics;
using Microsoft.Extensions.Options;

namespace Tracker.Infrastructure.Background;

/// <summary>
/// Gives requests priority over the work done after them. It keeps the share of time at least one request was in flight,
/// averaged over about the last second. Below <see cref="BackgroundOptions.BusyAbove"/> background units (one webhook
/// POST, one capture, one dispatcher step) start at once, as many as their workers run. Above it the service is busy
/// (a closed loop of writes): a unit starts only once the units before it are paid for. Each is charged its wall-clock
/// time (at most <see cref="MaxCharge"/>) divided by the share background may have, what requests leave but at least
/// <see cref="BackgroundOptions.BusyShare"/>, so background work takes about that share of the time and requests the
/// rest. A unit always starts within <c>MaxCharge / BusyShare</c> even under endless load (throttled, never starved),
/// and the backlog a burst leaves is worked off at full speed within a second of the requests stopping.
/// </summary>
public sealed class BackgroundBudget(IOptions<BackgroundOptions> options, ILogger<BackgroundBudget> logger)
{
    /// <summary>What one unit is charged at most: a slow target's wait is not work, and must not stop the others for long.</summary>
    public static readonly TimeSpan MaxCharge = TimeSpan.FromMilliseconds(100);

    /// <summary>What a unit is charged when it starts, before its own time is known, so units started together are spaced.</summary>
    private static readonly TimeSpan StartCharge = TimeSpan.FromMilliseconds(1);

    /// <summary>The time constant of the busy share's moving average.</summary>
    private static readonly double Smoothing = TimeSpan.FromSeconds(0.5).TotalSeconds * Stopwatch.Frequency;

    private static readonly TimeSpan LongestWait = TimeSpan.FromMilliseconds(50);

    private readonly SemaphoreSlim _turn = new(1, 1);
    private readonly Lock _lock = new();
    private int _inFlight;
    private long _busySince;
    private long _busyTicks;
    private long _sampledAt = Stopwatch.GetTimestamp();
    private long _sampledBusyTicks;
    private double _busyShare;
    private long _nextBusyStart;
    private long _throttled, _free, _reportedAt = Stopwatch.GetTimestamp();

    public void RequestStarted()
    {
        lock (_lock)
            if (_inFlight++ == 0) _busySince = Stopwatch.GetTimestamp();
    }

    public void RequestEnded()
    {
        lock (_lock)
            if (--_inFlight == 0) _busyTicks += Stopwatch.GetTimestamp() - _busySince;
    }

    /// <summary>The share of recent time at least one request was in flight (0 to 1), an exponential moving average.</summary>
    public double RequestShare
    {
        get
        {
            lock (_lock)
            {
                var now = Stopwatch.GetTimestamp();
                var busy = _busyTicks + (_inFlight > 0 ? now - _busySince : 0);
                var elapsed = now - _sampledAt;
                if (elapsed <= 0) return _busyShare;
                var weight = 1 - Math.Exp(-elapsed / Smoothing);
                _busyShare += weight * (Math.Clamp((double)(busy - _sampledBusyTicks) / elapsed, 0, 1) - _busyShare);
                (_sampledAt, _sampledBusyTicks) = (now, busy);
                return _busyShare;
            }
        }
    }

    /// <summary>Whether background work is throttled now: requests have kept the service busy.</summary>
    public bool Busy => options.Value.BusyShare < 1 && RequestShare >= options.Value.BusyAbove;

    /// <summary>Waits until one unit of background work may start; dispose the answer when the unit is done.</summary>
    public async ValueTask<Unit> EnterAsync(CancellationToken ct)
    {
        Report();
        if (!Busy)
        {
            Interlocked.Increment(ref _free);
            return default;
        }
        Interlocked.Increment(ref _throttled);
        await _turn.WaitAsync(ct);
        try
        {
            while (Busy)
            {
                var now = Stopwatch.GetTimestamp();
                var wait = Stopwatch.GetElapsedTime(now, Volatile.Read(ref _nextBusyStart));
                if (wait <= TimeSpan.Zero)
                {
                    Advance(now, StartCharge);
                    return new Unit(this, now);
                }
                // Short steps, so the end of the load is noticed soon.
                await Task.Delay(wait < LongestWait ? wait : LongestWait, ct);
            }
            return default;
        }
        finally
        {
            _turn.Release();
        }
    }

    /// <summary>Every 5 s at Debug: how busy requests kept the service, and how many units ran throttled and free.</summary>
    private void Report()
    {
        if (!logger.IsEnabled(LogLevel.Debug)) return;
        var at = Volatile.Read(ref _reportedAt);
        if (Stopwatch.GetElapsedTime(at) < TimeSpan.FromSeconds(5)
            || Interlocked.CompareExchange(ref _reportedAt, Stopwatch.GetTimestamp(), at) != at) return;
        logger.LogDebug("Background budget: requests in flight {Share:P0} of the time; units since the last report: {Throttled} throttled, {Free} free",
            RequestShare, Interlocked.Exchange(ref _throttled, 0), Interlocked.Exchange(ref _free, 0));
    }

    private void Charge(long started)
    {
        var now = Stopwatch.GetTimestamp();
        var spent = Stopwatch.GetElapsedTime(started, now);
        Advance(now, spent < MaxCharge ? spent : MaxCharge);
    }

    /// <summary>The next busy-time start moves to at least <paramref name="from"/> plus what the time spent costs at
    /// the share background may have now.</summary>
    private void Advance(long from, TimeSpan spent)
    {
        var share = Math.Clamp(1 - RequestShare, Math.Max(options.Value.BusyShare, 0.001), 1);
        var next = from + (long)(spent.TotalSeconds / share * Stopwatch.Frequency);
        long seen;
        do
        {
            seen = Volatile.Read(ref _nextBusyStart);
            if (seen >= next) return;
        } while (Interlocked.CompareExchange(ref _nextBusyStart, next, seen) != seen);
    }

    /// <summary>One unit of background work: charged when disposed if it started while the service was busy.</summary>
    public readonly struct Unit(BackgroundBudget? budget, long started) : IDisposable
    {
        public void Dispose() => budget?.Charge(started);
    }
}

/// <summary>Counts the requests in flight for <see cref="BackgroundBudget"/>; first in the pipeline, so every request counts.</summary>
internal sealed class RequestActivity(RequestDelegate next, BackgroundBudget budget)
{
    public async Task InvokeAsync(HttpContext context)
    {
        budget.RequestStarted();
        try { await next(context); }
        finally { budget.RequestEnded(); }
    }
}

public static class BackgroundServices
{
    /// <summary>The budget the webhook sender, the capturers and their dispatchers share, the count of requests it
    /// throttles them by (a startup filter: before every other middleware), and their connections.</summary>
    public static IServiceCollection AddBackgroundBudget(this IServiceCollection services, IConfiguration configuration,
        string connectionString)
    {
        services.AddOptions<BackgroundOptions>().Bind(configuration.GetSection(BackgroundOptions.Section));
        services.AddSingleton(_ => BackgroundDataSource.Create(connectionString));
        services.AddSingleton<BackgroundBudget>();
        services.AddTransient<IStartupFilter, CountRequests>();
        return services;
    }

    private sealed class CountRequests : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.UseMiddleware<RequestActivity>();
            next(app);
        };
    }
}
