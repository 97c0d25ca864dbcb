using JasperFx.CommandLine;
using Tracker.Portfolio;

namespace Tracker.Cli;

public class PortfolioInput : TrackerInput
{
    [Description("rebuild")]
    public string Action { get; set; } = "";
}

[Description("'portfolio rebuild': rebuild the portfolio's tables from the events beside the live ones while the service " +
             "keeps serving, then switch to them in one transaction (interrupted, it leaves the live tables as they were)",
    Name = "portfolio")]
public class PortfolioCommand : JasperFxAsyncCommand<PortfolioInput>
{
    public PortfolioCommand()
    {
        Usage("Rebuild the portfolio while serving").Arguments(x => x.Action);
    }

    private const int RebuildHeapLimitMiB = 640;

    public override async Task<bool> Execute(PortfolioInput input)
    {
        if (!input.Action.Equals("rebuild", StringComparison.OrdinalIgnoreCase))
            return CliErrors.Fail($"portfolio: '{input.Action}' is not an action; the one action is 'rebuild'");
        // What a rebuild holds is a few buffers of rows, whatever the store's size; server GC would let the heap grow
        // towards a gigabyte before collecting it (933 MiB peak at 150,000 events; 691 MiB with this limit, as fast).
        AppContext.SetData("GCHeapHardLimit", (ulong)RebuildHeapLimitMiB * 1024 * 1024);
        GC.RefreshMemoryLimit();
        using var host = await input.BuildHost().StartedForCommandAsync();
        var database = host.Services.GetRequiredService<Infrastructure.Database.TrackerDatabase>();
        var rebuild = new PortfolioRebuild(host.Services.GetRequiredService<Marten.IDocumentStore>(), database.ConnectionString,
            Console.Error.WriteLine);
        return await rebuild.RunAsync();
    }
}
