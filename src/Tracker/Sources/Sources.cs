using Marten;
using Wolverine;

namespace Tracker.Sources;

public static class Sources
{
    /// <summary>Capture of cited sources (README, "Captured sources"). Registered after the migrations' hosted service,
    /// so that the dispatcher and the capturers start on a schema that has their tables. With
    /// <c>Tracker:Sources:Capture=false</c> neither runs: nothing is fetched, statements are recorded as ever.</summary>
    public static IServiceCollection AddSources(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<SourceOptions>().Bind(configuration.GetSection(SourceOptions.Section));
        services.ConfigureMarten(opts => opts.Events.AddEventTypes(SourceLog.EventTypes));
        // The recheck's next occurrence is stored with Wolverine's envelopes, not held in memory: it outlives restarts.
        services.ConfigureWolverine(opts => opts.LocalQueueFor<RecheckSources>().UseDurableInbox());
        services.AddSingleton<CaptureWake>();
        services.AddSingleton<SourceFetcher>();
        services.AddSingleton<Originals>();
        if (configuration.GetValue($"{SourceOptions.Section}:Capture", true))
        {
            services.AddHostedService<CaptureDispatcher>();
            services.AddHostedService<Capturer>();
            services.AddHostedService<RecheckSchedule>();
        }
        return services;
    }

    /// <summary>The originals' cookieless path, ahead of the application's middleware (so before authentication), and its endpoint.</summary>
    public static WebApplication UseSources(this WebApplication app)
    {
        Originals.UseCookielessPath(app);
        Originals.Map(app);
        return app;
    }
}
