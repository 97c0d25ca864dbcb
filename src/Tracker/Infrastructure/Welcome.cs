using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Tracker.Security;

namespace Tracker.Infrastructure;

/// <summary>
/// Tells whoever started the service where it listens. In Development it also issues a fresh analyst token
/// (user 'dev-analyst'), so a new user can try the API at once; earlier dev tokens stop working.
/// </summary>
internal sealed class Welcome(IServer server, IHostApplicationLifetime lifetime, IHostEnvironment environment,
    UserAdministration users, TrackerStartup startup) : BackgroundService
{
    public const string DevelopmentUser = "dev-analyst";

    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        var started = new TaskCompletionSource();
        await using var _ = lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        await started.Task.WaitAsync(ct);

        var url = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault() ?? "(no address)";
        var lines = new List<string>
        {
            "",
            $"Tracker is running at {url}  (started in {startup.Elapsed.TotalSeconds:0.0} s)",
            $"  workbench: {url}/  (sign in with a user name and its token)",
            $"  health:   {url}/health",
            $"  API docs: {url}/openapi/v1.json  and  {url}/docs",
        };
        if (environment.IsDevelopment())
        {
            var token = await users.ReissueAsync(DevelopmentUser, Roles.Analyst, ct);
            lines.Add($"  analyst token (Development only, user '{DevelopmentUser}'):");
            lines.Add($"    export TRACKER_TOKEN={token.Token}");
            lines.Add($"    curl -H \"Authorization: Bearer $TRACKER_TOKEN\" {url}/api/agreements");
            lines.Add($"  workbench sign-in: {url}/signin  user '{DevelopmentUser}', the token above");
        }
        lines.Add("Press Ctrl+C to stop.");
        Console.WriteLine(string.Join(Environment.NewLine, lines));
    }
}

/// <summary>When the process started, for the start-up time the welcome prints.</summary>
public sealed class TrackerStartup
{
    private readonly DateTimeOffset _processStart = System.Diagnostics.Process.GetCurrentProcess().StartTime.ToUniversalTime();
    public TimeSpan Elapsed => DateTimeOffset.UtcNow - _processStart;
}
