using System.Threading.RateLimiting;
using JasperFx;
using JasperFx.CodeGeneration;
using JasperFx.Events;
using JasperFx.Events.Daemon;
using JasperFx.Events.Projections;
using Marten;
using Microsoft.AspNetCore.Authentication;
using Npgsql;
using Tracker.Agreements;
using Tracker.Agreements.Deciding;
using Tracker.Agreements.Storage;
using Tracker.Audit;
using Tracker.Http;
using Tracker.Integrity;
using Tracker.Portfolio;
using Tracker.Infrastructure.Background;
using Tracker.Infrastructure.Database;
using Tracker.Security;
using Tracker.Workbench;
using Weasel.Core;
using Wolverine;
using Wolverine.Http;
using Wolverine.Marten;

using Tracker.Following;
using Tracker.Following.Digests;
using Tracker.Following.Webhooks;

namespace Tracker.Infrastructure;

public static class TrackerHost
{
    public const string MartenSchema = "tracker";
    public const string WolverineSchema = "wolverine";
    public const int MaxRequestBodyBytes = 256 * 1024;

    public static WebApplicationBuilder AddTracker(this WebApplicationBuilder builder, TrackerDatabase database)
    {
        var services = builder.Services;
        var configuration = builder.Configuration;
        var connectionString = WithCommandTimeout(database.ConnectionString, configuration);
        services.AddSingleton(NpgsqlDataSource.Create(WithSessionReuse(connectionString, configuration)));
        // Report reads go to a streaming replica when one is configured (see ReportDataSource).
        services.AddSingleton(sp => ReportDataSource.Create(connectionString, sp.GetRequiredService<NpgsqlDataSource>(), configuration));
        services.AddSingleton(database);
        services.AddSingleton<DatabaseSupervision>();
        if (OperatingSystem.IsLinux()) services.AddHostedService<DatabaseSupervisor>();
        services.AddSingleton(TimeProvider.System);
        // First: an instance waits for a projection rebuild running on its database before anything else.
        services.AddHostedService<ServingLease>();
        // Registered before Marten and Wolverine so the schema is in place before either starts.
        services.AddHostedService<MigrationsOnStartup>();
        services.AddHostedService<Import.SeedLoader>();

        services.AddMarten(ConfigureMarten)
            .UseNpgsqlDataSource()
            .AddAsyncDaemon(DaemonMode.HotCold)
            .IntegrateWithWolverine(x => x.MessageStorageSchemaName = WolverineSchema);

        builder.Host.UseWolverine(opts =>
        {
            opts.Policies.AutoApplyTransactions();
            opts.EnableRelayOfUserName = true;
            // Several instances may serve one database (ServingLease): Balanced elects a leader among them, so that
            // Wolverine's durable work (envelope recovery, scheduled messages) runs once, not once per instance as Solo
            // would. Webhooks do not rely on it (see Following/Webhooks): their rows are claimed with SKIP LOCKED.
            opts.Durability.Mode = DurabilityMode.Balanced;
        });

        services.CritterStackDefaults(x =>
        {
            x.Development.ResourceAutoCreate = AutoCreate.CreateOrUpdate;
            x.Development.GeneratedCodeMode = TypeLoadMode.Auto;
            x.Production.ResourceAutoCreate = AutoCreate.None;
            x.Production.GeneratedCodeMode = TypeLoadMode.Static;
            x.Production.AssertAllPreGeneratedTypesExist = true;
            // Generated code belongs in the source tree (it is compiled in), not beside the binaries.
            if (configuration["Tracker:GeneratedCodePath"] is { Length: > 0 } path) x.GeneratedCodeOutputPath = path;
            else if (SourceDirectory() is { } source) x.GeneratedCodeOutputPath = Path.Combine(source, "Internal", "Generated");
        });

        services.AddSingleton<AgreementWriter>();
        services.AddSingleton<IReadAhead, PortfolioReadAhead>();
        services.AddSingleton<Registry.RegistryWriter>();
        services.AddSingleton<Registry.Actors.ActorReads>();
        services.AddSingleton<Registry.People.PeopleReads>();
        services.AddSingleton<PortfolioReads>();
        services.AddSingleton<Search.StatementSearch>();
        services.AddSingleton<Import.Importer>();
        services.AddSingleton<TrackerStartup>();
        services.AddHostedService<Welcome>();
        services.AddSingleton<UserAdministration>();
        services.AddSingleton<TokenLookup>();
        services.AddIntegrity(configuration);
        services.AddDigests();

        services.AddTrackerDataProtection();
        services.AddTrackerAuthentication(configuration);
        services.AddWorkbench();
        services.AddBackgroundBudget(configuration, connectionString);
        services.AddWebhooks(configuration);

        services.AddProblemDetails();
        services.AddExceptionHandler<ProblemExceptionHandler>();
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = MaxRequestBodyBytes);
        AddRateLimiting(services, configuration);

        services.ConfigureHttpJsonOptions(o =>
        {
            StrictJson.Apply(o.SerializerOptions);
            // A number is a JSON number: the description then says "integer", not "integer or string".
            o.SerializerOptions.NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.Strict;
        });
        services.AddWolverineHttp();
        services.AddOpenApi(ApiDescription.Configure);
        return builder;
    }

    /// <summary>
    /// Seconds a statement may run before the client gives up (<c>Tracker:Database:CommandTimeoutSeconds</c>; Npgsql's
    /// 30 by default). A projection rebuild raises it (see Program): emptying and refilling the tables of a store of a
    /// million events runs statements far longer than any request should.
    /// </summary>
    public const string CommandTimeoutSetting = "Tracker:Database:CommandTimeoutSeconds";

    private static string WithCommandTimeout(string connectionString, IConfiguration configuration) =>
        configuration.GetValue<int?>(CommandTimeoutSetting) is { } seconds
            ? new NpgsqlConnectionStringBuilder(connectionString) { CommandTimeout = seconds }.ConnectionString
            : connectionString;

    /// <summary>How many statements each pooled connection keeps prepared (<c>Tracker:Database:MaxAutoPrepare</c>; 0: none).</summary>
    public const string AutoPrepareSetting = "Tracker:Database:MaxAutoPrepare";
    private const int DefaultAutoPrepare = 100;

    /// <summary>
    /// The service's own pool keeps what PostgreSQL has planned for each connection. Parsing and planning were a third
    /// of the database's CPU a write (profiled): every statement of a write arrived unprepared, and the <c>DISCARD ALL</c>
    /// Npgsql sends when a connection goes back to the pool also dropped the plans of the event chain's PL/pgSQL trigger.
    /// With automatic preparation (statements a connection has run a few times; the write path repeats a few dozen),
    /// Npgsql resets a returned connection without deallocating: settings, advisory locks, cursors, LISTENs and
    /// temporary tables are still cleared, the plans are kept.
    /// </summary>
    private static string WithSessionReuse(string connectionString, IConfiguration configuration) =>
        new NpgsqlConnectionStringBuilder(connectionString)
        {
            MaxAutoPrepare = configuration.GetValue(AutoPrepareSetting, DefaultAutoPrepare),
        }.ConnectionString;

    /// <summary>src/Tracker when running from a build in the source tree; null in a published deployment.</summary>
    private static string? SourceDirectory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Tracker.csproj"))) return dir.FullName;
        return null;
    }

    private static void ConfigureMarten(StoreOptions opts)
    {
        opts.DatabaseSchemaName = MartenSchema;
        opts.UseSystemTextJsonForSerialization(EnumStorage.AsString, Casing.CamelCase);

        opts.Events.StreamIdentity = StreamIdentity.AsString;
        opts.Events.UseMandatoryStreamTypeDeclaration = true;
        // Rich appends give inline projections the real version and record time of each event.
        opts.Events.AppendMode = EventAppendMode.Rich;
        opts.Events.MetadataConfig.CorrelationIdEnabled = true;
        opts.Events.MetadataConfig.CausationIdEnabled = true;
        opts.Events.MetadataConfig.UserNameEnabled = true;
        opts.Events.MetadataConfig.HeadersEnabled = true;
        opts.Events.AddEventTypes(AgreementCommands.EventTypes);

        // Inline: an analyst who records a statement sees it in the next read, and deciders need the latest state.
        // An agreement is stored as its header plus one document per statement, so that a write rewrites what it
        // changes and not the agreement's whole history (see Agreement).
        opts.Projections.Snapshot<AgreementHeader>(SnapshotLifecycle.Inline);
        opts.Projections.Add(new StatementEntryProjection(), ProjectionLifecycle.Inline, StatementEntryProjection.ProjectionName,
            o => o.DeleteViewTypeOnTeardown<StatementEntry>());
        // Four-eyes review: the latest proposal on each statement (the review queue; see StatementProposalProjection).
        opts.Projections.Add(new StatementProposalProjection(), ProjectionLifecycle.Inline, StatementProposalProjection.ProjectionName,
            o => o.DeleteViewTypeOnTeardown<StatementProposal>());
        // The portfolio: statuses on both clocks, transitions and counts as indexed tables (see PortfolioProjection).
        opts.Projections.Add(new PortfolioProjection(), ProjectionLifecycle.Inline, PortfolioProjection.ProjectionName, o =>
        {
            o.DeleteViewTypeOnTeardown<CommitmentFile>();
            o.DeleteViewTypeOnTeardown<StatementRoute>();
            foreach (var table in PortfolioRows.Tables) o.DeleteDataInTableOnTeardown(table);
        });
        // Full-text search over every statement's current reading (see StatementSearchProjection).
        opts.Projections.Add(new Search.StatementSearchProjection(), ProjectionLifecycle.Inline,
            Search.StatementSearchProjection.ProjectionName,
            o => o.DeleteDataInTableOnTeardown(Search.StatementSearchProjection.Table));
        // The actor and people registry: each entry decided on inline, and searchable tables (see RegistryProjection).
        opts.Projections.Snapshot<Registry.Actors.ActorRecord>(SnapshotLifecycle.Inline);
        opts.Projections.Snapshot<Registry.People.PersonRecord>(SnapshotLifecycle.Inline);
        opts.Projections.Add(new Registry.RegistryProjection(), ProjectionLifecycle.Inline, Registry.RegistryProjection.ProjectionName, o =>
        {
            foreach (var table in Registry.RegistryProjection.Tables) o.DeleteDataInTableOnTeardown(table);
        });
        // Async: see AuditTrailProjection.
        opts.Projections.Add<AuditTrailProjection>(ProjectionLifecycle.Async,
            o => o.DeleteViewTypeOnTeardown<AuditEntry>());
        opts.Projections.Errors.SkipApplyErrors = false;
        opts.Projections.Errors.SkipSerializationErrors = false;
        opts.Projections.Errors.SkipUnknownEvents = false;

        opts.Schema.For<AuditEntry>()
            .Index(x => x.AgreementId)
            .Index(x => x.RecordedBy)
            .Index(x => x.RecordedAt)
            .Index(x => x.Sequence);
        opts.Schema.For<ApiUser>().UniqueIndex(x => x.TokenHash);
        // Numbered revisions, as when it was an aggregation: the stored table keeps its shape.
        opts.Schema.For<StatementEntry>().Index(x => x.AgreementId).UseNumericRevisions(true);
        opts.Schema.For<StatementProposal>().Index(x => x.AgreementId).Index(x => x.State).Index(x => x.ProposedBy)
            .Index(x => x.ProposedAt);
        opts.Schema.For<CommitmentFile>();
        opts.Schema.For<StatementRoute>();
    }

    private static void AddRateLimiting(IServiceCollection services, IConfiguration configuration)
    {
        var permits = configuration.GetValue("Tracker:RateLimit:PermitsPerMinute", 3000);
        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            // Before authentication nobody is known yet: each credential presented has its own limit, and each client
            // address a wider one, so rotating made-up tokens does not buy a fresh limit.
            o.GlobalLimiter = PartitionedRateLimiter.CreateChained(
                PartitionedRateLimiter.Create<HttpContext, string>(http => PerMinute(CredentialOf(http), permits)),
                PartitionedRateLimiter.Create<HttpContext, string>(http =>
                    PerMinute("ip:" + http.Connection.RemoteIpAddress, permits * AddressMultiple)));
            o.OnRejected = (ctx, ct) =>
            {
                ctx.HttpContext.Response.Headers.RetryAfter = "60";
                return new ValueTask(Results.Problem(statusCode: StatusCodes.Status429TooManyRequests,
                    title: "Too many requests",
                    detail: $"This client sent more than {permits} requests in a minute (or its address more than " +
                            $"{permits * AddressMultiple}); retry after 60 seconds.")
                    .ExecuteAsync(ctx.HttpContext));
            };
        });
    }

    /// <summary>How many clients' worth of requests one address may send (an office behind one NAT address).</summary>
    private const int AddressMultiple = 10;

    private static RateLimitPartition<string> PerMinute(string key, int permits) =>
        RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = permits, Window = TimeSpan.FromMinutes(1), QueueLimit = 0,
        });

    /// <summary>The bearer credential (hashed: the limiter keeps its keys in memory), else the client address.</summary>
    private static string CredentialOf(HttpContext http) =>
        http.Request.Headers.Authorization.FirstOrDefault() is { Length: > 0 } header
            ? "credential:" + ApiUser.Hash(header)
            : "ip:" + http.Connection.RemoteIpAddress;

    public static WebApplication UseTracker(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        // Limits come before authentication, so a client over its limit costs no token lookup.
        app.UseRateLimiter();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseMiddleware<RequestTextGuard>();
        app.UseMiddleware<WriteQueryGuard>();
        app.UseMiddleware<Http.RequestBodyGuard>();
        app.MapWolverineEndpoints(opts =>
        {
            opts.RequireAuthorizeOnAll();
            opts.ApplyCorrelationIdHeaderToAllEndpoints = true;
            opts.MapConcurrencyFailuresToConflict();
            opts.RejectUnparseableQueryValues = true;
            opts.AddPolicy<DocumentedRefusals>();
        });
        app.UseWorkbench();
        // Atom feeds are polled by feed readers, without a session: the feed key in the URL is the credential.
        app.MapAtomFeeds();
        // The workbench downloads the reports it shows: the same endpoints, on the session's cookie.
        app.MapGet("/reports/status", Reports.ReportEndpoints.Status).RequireAuthorization(WorkbenchSetup.Policies.Read).ExcludeFromDescription();
        app.MapGet("/reports/changes", Reports.ReportEndpoints.Changes).RequireAuthorization(WorkbenchSetup.Policies.Read).ExcludeFromDescription();
        // The description is documentation, public like the README: it holds no data, and the browsable page must
        // load it before anyone can press its Authorize button (the bearer scheme the description declares).
        app.MapOpenApi().AllowAnonymous();
        app.UseSwaggerUI(o =>
        {
            o.RoutePrefix = "docs";
            o.SwaggerEndpoint("/openapi/v1.json", "Tracker API");
            o.DocumentTitle = "Tracker API";
        });
        return app;
    }
}

/// <summary>Brings the database up to the committed migrations before anything else touches it.</summary>
internal sealed class MigrationsOnStartup(TrackerDatabase database, IDocumentStore store, NpgsqlDataSource dataSource,
    ILogger<MigrationsOnStartup> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken ct)
    {
        await InlineProjectionBackfill.BringStoreUpToDateAsync(store, database.ConnectionString,
            m => logger.LogInformation("{Message}", m), ct);
        await Registry.RegistryReads.SyncBuiltinsAsync(dataSource, ct);
        await Registry.RegistryReads.BackfillSpeakerKeysAsync(dataSource, ct);
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
}
