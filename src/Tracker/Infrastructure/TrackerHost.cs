using JasperFx;
using JasperFx.CodeGeneration;
using JasperFx.Events;
using Marten;
using Npgsql;
using Weasel.Core;
using Tracker.Infrastructure.Database;
using Wolverine;
using Wolverine.Http;
using Wolverine.Marten;

namespace Tracker.Infrastructure;

public static class TrackerHost
{
    public const string MartenSchema = "tracker";
    public const string WolverineSchema = "wolverine";

    public static WebApplicationBuilder AddTracker(this WebApplicationBuilder builder, TrackerDatabase database)
    {
        var services = builder.Services;
        var dataSource = NpgsqlDataSource.Create(database.ConnectionString);
        services.AddSingleton(dataSource);
        services.AddSingleton(database);
        // Registered before Marten and Wolverine so the schema is in place before either starts.
        services.AddHostedService<MigrationsOnStartup>();

        services.AddMarten(opts =>
            {
                opts.DatabaseSchemaName = MartenSchema;
                opts.Events.StreamIdentity = StreamIdentity.AsString;
                opts.Events.UseMandatoryStreamTypeDeclaration = true;
                opts.Events.MetadataConfig.CorrelationIdEnabled = true;
                opts.Events.MetadataConfig.CausationIdEnabled = true;
                opts.Events.MetadataConfig.UserNameEnabled = true;
                opts.Events.MetadataConfig.HeadersEnabled = true;
                opts.UseSystemTextJsonForSerialization(EnumStorage.AsString, Casing.CamelCase);
            })
            .UseNpgsqlDataSource()
            .IntegrateWithWolverine(x => x.MessageStorageSchemaName = WolverineSchema);

        builder.Host.UseWolverine(opts =>
        {
            opts.Policies.AutoApplyTransactions();
            opts.Durability.Mode = DurabilityMode.Solo;
        });

        services.CritterStackDefaults(x =>
        {
            x.Development.ResourceAutoCreate = AutoCreate.CreateOrUpdate;
            x.Development.GeneratedCodeMode = TypeLoadMode.Auto;
            x.Production.ResourceAutoCreate = AutoCreate.None;
            x.Production.GeneratedCodeMode = TypeLoadMode.Static;
            x.Production.AssertAllPreGeneratedTypesExist = true;
        });

        services.AddWolverineHttp();
        return builder;
    }

    public static WebApplication UseTracker(this WebApplication app)
    {
        app.MapWolverineEndpoints();
        return app;
    }
}

/// <summary>Brings the database up to the committed migrations before anything else touches it.</summary>
internal sealed class MigrationsOnStartup(TrackerDatabase database, ILogger<MigrationsOnStartup> logger) : IHostedService
{
    public Task StartAsync(CancellationToken ct) =>
        Migrations.ApplyAsync(database.ConnectionString, m => logger.LogInformation("{Message}", m), ct);

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
}
