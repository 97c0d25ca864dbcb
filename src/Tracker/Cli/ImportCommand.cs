using JasperFx.CommandLine;
using Tracker.Agreements.Storage;
using Tracker.Import;
using Tracker.Kernel;

namespace Tracker.Cli;

public class ImportInput : TrackerInput
{
    [Description("JSON Lines (.jsonl) or CSV (.csv) files, imported in the order given")]
    public List<string> Files { get; set; } = [];

    [Description("Check every line and report, but write nothing"), FlagAlias("dry-run", 'n')]
    public bool DryRunFlag { get; set; }

    [Description("Who the events are recorded as (default: cli:<OS user>)"), FlagAlias("user", 'u')]
    public string? UserFlag { get; set; }

    [Description("Where review is required, approve what the lines propose at once, recorded as pre-approved " +
                 "(--user must be an administrator)"), FlagAlias("pre-approved", true)]
    public bool PreApprovedFlag { get; set; }

    [Description("An export's review lines are recorded as their proposers and reviewers (the names the export gives), " +
                 "so a four-eyes history re-imports whole; an approval by its own proposer is still refused " +
                 "(--user must be an administrator)"), FlagAlias("as-recorded", true)]
    public bool AsRecordedFlag { get; set; }
}

[Description("Import statements and agreements from JSON Lines or CSV; any invalid line and nothing is imported", Name = "import")]
public class ImportCommand : JasperFxAsyncCommand<ImportInput>
{
    public override async Task<bool> Execute(ImportInput input)
    {
        var missing = input.Files.Where(f => !File.Exists(f)).ToList();
        if (input.Files.Count == 0 || missing.Count > 0)
        {
            Console.Error.WriteLine(input.Files.Count == 0 ? "import: name at least one file" : $"import: no such file: {string.Join(", ", missing)}");
            return false;
        }

        using var host = await input.BuildHost().StartedForCommandAsync();
        var importer = host.Services.GetRequiredService<Importer>();
        var author = new Author(input.UserFlag ?? CliUser.Name, $"import-{Guid.NewGuid():N}");
        foreach (var (flag, given) in new[] { ("--pre-approved", input.PreApprovedFlag), ("--as-recorded", input.AsRecordedFlag) })
            if (given && !await Security.UserAdministration.IsActiveAdminAsync(host.Services, author.UserName))
            {
                Console.Error.WriteLine($"import: {flag}: '{author.UserName}' is not an administrator (give --user an admin's name); nothing was imported.");
                return false;
            }
        var progress = Console.IsErrorRedirected ? null : new Progress<int>(n => Console.Error.Write($"\r{n:N0} lines…"));
        var started = System.Diagnostics.Stopwatch.StartNew();

        ImportResult result;
        try
        {
            result = await importer.ImportAsync(input.Files, author, progress, input.DryRunFlag, preApproved: input.PreApprovedFlag,
                asRecorded: input.AsRecordedFlag);
        }
        catch (ImportConflictException e)
        {
            Console.Error.WriteLine($"import: {e.Message}");
            return false;
        }
        if (progress is not null) Console.Error.Write("\r");
        if (!result.Succeeded)
        {
            foreach (var e in result.Errors) Console.Error.WriteLine(e);
            Console.Error.WriteLine($"{result.Errors.Count} error(s) in {result.Lines:N0} lines: nothing was imported.");
            return false;
        }
        foreach (var note in input.Files.Select(Integrity.ExportedChain.ImportNote).OfType<string>()) Console.Error.WriteLine(note);
        var verb = input.DryRunFlag ? "would append" : "appended";
        Console.WriteLine($"{result.Lines:N0} lines: {verb} {result.Appended:N0} events, {result.AlreadyPresent:N0} already present " +
                          $"({started.Elapsed.TotalSeconds:0.0} s).");
        return true;
    }
}

public static class CliUser
{
    /// <summary>Writes from the command line are attributed to the OS account that ran them.</summary>
    public static string Name => "cli:" + Environment.UserName;
}
