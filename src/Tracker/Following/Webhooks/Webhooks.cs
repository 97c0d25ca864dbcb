namespace Tracker.Following.Webhooks;

public static class Webhooks
{
    /// <summary>Subscriptions, the dispatcher and the senders. Registered after the migrations' hosted service, so
    /// that both loops start on a schema that has their tables.</summary>
    public static IServiceCollection AddWebhooks(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<WebhookOptions>().Bind(configuration.GetSection(WebhookOptions.Section));
        services.AddSingleton<WebhookWake>();
        services.AddSingleton<WebhookSecrets>();
        services.AddSingleton<WebhookHttp>();
        services.AddHostedService<WebhookDispatcher>();
        services.AddHostedService<WebhookSender>();
        return services;
    }
}
