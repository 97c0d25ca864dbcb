using Npgsql;

namespace Tracker.Following.Digests;

/// <summary>
/// Sends the day's digests once the UTC hour <see cref="DigestSettings.SendHourUtc"/> has come, when
/// <c>Tracker:Digest:Enabled</c> is true; looks again every few minutes, so a digest that failed (the SMTP server
/// down) or whose sender died is sent later that day. Every instance may run it: the claims in
/// <c>tracker.digests</c> let one of them send each digest.
/// </summary>
internal sealed class DigestSchedule(DigestSender sender, TimeProvider clock, ILogger<DigestSchedule> logger) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(5);

    protected override async Task ExecuteAsync(CancellationToken stopping)
    {
        if (!sender.Settings.Enabled) return;
        if (sender.Settings.Problems() is { Count: > 0 } problems)
        {
            logger.LogError("Digests are enabled but cannot be sent: {Problems}",
                string.Join("; ", problems.Select(p => $"{p.Field} {p.Reason}")));
            return;
        }
        using var timer = new PeriodicTimer(Interval, clock);
        try
        {
            do
            {
                if (clock.GetUtcNow().Hour < sender.Settings.SendHourUtc) continue;
                try
                {
                    await sender.SendAllAsync(sender.Today, null, stopping);
                }
                catch (Exception e) when (e is NpgsqlException or TimeoutException)
                {
                    logger.LogWarning(e, "Digests not sent this time; tried again in {Minutes} minutes", Interval.TotalMinutes);
                }
            }
            while (await timer.WaitForNextTickAsync(stopping));
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
    }
}

public static class DigestRegistration
{
    public static IServiceCollection AddDigests(this IServiceCollection services)
    {
        services.AddSingleton<DigestSender>();
        services.AddHostedService<DigestSchedule>();
        return services;
    }
}
