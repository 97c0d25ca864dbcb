using Alba;
using JasperFx.CommandLine;
using Marten;
using Marten.Events;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Tracker.Security;

namespace Tracker.Tests.Support;

/// <summary>
/// The real service (Program, production profile: committed migrations, pre-generated code) over HTTP,
/// on a database of its own, with one user per role.
/// </summary>
public sealed class TrackerApp : IAsyncLifetime
{
    public IAlbaHost Host { get; private set; } = null!;
    public string ConnectionString { get; private set; } = "";
    public string AnalystToken { get; private set; } = "";
    public string SecondAnalystToken { get; private set; } = "";
    public string ReaderToken { get; private set; } = "";
    public string AdminToken { get; private set; } = "";

    public const string Analyst = "ana.analyst";
    public const string SecondAnalyst = "bo.analyst";
    public const string Reader = "rita.reader";
    public const string Admin = "adam.admin";

    public IDocumentStore Store => Host.Services.GetRequiredService<IDocumentStore>();

    public async Task InitializeAsync()
    {
        ConnectionString = await TestCluster.NewDatabaseAsync("app");
        Host = await StartAsync(ConnectionString, ("Tracker:RateLimit:PermitsPerMinute", "100000"));
        var users = Host.Services.GetRequiredService<UserAdministration>();
        AnalystToken = (await users.AddAsync(Analyst, Roles.Analyst)).Token;
        SecondAnalystToken = (await users.AddAsync(SecondAnalyst, Roles.Analyst)).Token;
        ReaderToken = (await users.AddAsync(Reader, Roles.Reader)).Token;
        AdminToken = (await users.AddAsync(Admin, Roles.Admin)).Token;
    }

    /// <summary>The service (Program, test profile) on the given database, with any further settings.</summary>
    public static Task<IAlbaHost> StartAsync(string database, params (string Key, string Value)[] settings) =>
        StartAsync(database, TimeProvider.System, settings);

    /// <summary>The same service, its clock standing still at <paramref name="clock"/>'s time.</summary>
    public static Task<IAlbaHost> StartAsync(string database, TimeProvider clock, params (string Key, string Value)[] settings)
    {
        JasperFxEnvironment.AutoStartHost = true;
        return AlbaHost.For<Program>(b =>
        {
            b.UseEnvironment("Testing");
            b.UseSetting("TRACKER_DB", database);
            // Tests contact only 127.0.0.1: sources are captured only where a test turns it on, with its own pages.
            b.UseSetting("Tracker:Sources:Capture", "false");
            foreach (var (key, value) in settings) b.UseSetting(key, value);
            if (clock != TimeProvider.System) b.ConfigureTestServices(s => s.AddSingleton(clock));
        });
    }

    /// <summary>A clock that always says the same instant.</summary>
    public sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    public Task WaitForAuditAsync() => Host.WaitForNonStaleProjectionDataAsync(TimeSpan.FromSeconds(30));

    public async Task DisposeAsync() => await Host.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class AppCollection : ICollectionFixture<TrackerApp>
{
    public const string Name = "tracker app";
}
