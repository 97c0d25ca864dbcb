using JasperFx.CommandLine;
using Tracker.Export;
using Tracker.Http;

namespace Tracker.Cli;

public class ExportInput : TrackerInput
{
    [Description("Write to this file instead of stdout"), FlagAlias("output", 'o')]
    public string? OutputFlag { get; set; }

    [Description("Only this agreement"), FlagAlias("agreement", 'a')]
    public string? AgreementFlag { get; set; }

    [Description("The store as it stood at this instant (ISO 8601): events recorded later are left out"), FlagAlias("known-at", 'k')]
    public string? KnownAtFlag { get; set; }
}

[Description("Write the store as JSON Lines that 'import' turns back into the same agreements and statements", Name = "export")]
public class ExportCommand : JasperFxAsyncCommand<ExportInput>
{
    public override async Task<bool> Execute(ExportInput input)
    {
        var errors = RequestContext.ParseClocks(null, input.KnownAtFlag, out var clocks);
        if (errors.Count > 0) return CliErrors.Report("export", errors);
        using var host = await input.BuildHost().StartedForCommandAsync();
        var exporter = new Exporter(host.Services.GetRequiredService<Marten.IDocumentStore>());

        if (input.OutputFlag is null)
        {
            await exporter.ExportAsync(Console.Out, input.AgreementFlag, clocks.KnownAt);
            return true;
        }
        // Written beside the target and moved into place, so a failed export never leaves half a file behind.
        var path = Path.GetFullPath(input.OutputFlag);
        var partial = path + ".partial";
        int count;
        await using (var file = new StreamWriter(partial, append: false, new System.Text.UTF8Encoding(false)))
            count = await exporter.ExportAsync(file, input.AgreementFlag, clocks.KnownAt);
        File.Move(partial, path, overwrite: true);
        Console.Error.WriteLine($"Exported {count:N0} events to {path}.");
        return true;
    }
}
