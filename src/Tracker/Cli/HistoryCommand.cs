using System.Text.Json;
using JasperFx.CommandLine;
using Marten;
using Tracker.Agreements;
using Tracker.Agreements.Storage;
using Tracker.Http;
using Tracker.Reports.Rendering;

namespace Tracker.Cli;

public class HistoryInput : TrackerInput
{
    [Description("AGREEMENT or AGREEMENT/COMMITMENT")]
    public string Target { get; set; } = "";

    [Description("Valid time: count only statements said by this date (YYYY-MM-DD)"), FlagAlias("as-of", true)]
    public string? AsOfFlag { get; set; }

    [Description("Record time: the tracker as it stood at this instant (ISO 8601)"), FlagAlias("known-at", 'k')]
    public string? KnownAtFlag { get; set; }

    [Description("md (default) or json"), FlagAlias("format", 'f')]
    public string FormatFlag { get; set; } = "md";
}

[Description("A commitment's history (or every commitment's in an agreement): statements, corrections, retractions, stage transitions",
    Name = "history")]
public class HistoryCommand : JasperFxAsyncCommand<HistoryInput>
{
    public override async Task<bool> Execute(HistoryInput input)
    {
        var errors = RequestContext.ParseClocks(input.AsOfFlag, input.KnownAtFlag, out var clocks);
        if (input.FormatFlag is not ("md" or "json")) errors.Add(new("format", $"'{input.FormatFlag}' is not md or json"));
        if (errors.Count > 0) return CliErrors.Report("history", errors);
        var parts = input.Target.Split('/', 2);

        using var host = await input.BuildHost().StartedForCommandAsync();
        await using var session = host.Services.GetRequiredService<IDocumentStore>().QuerySession();
        var agreement = await session.LoadAsync(parts[0], clocks.KnownAt);
        if (agreement is null) return CliErrors.Fail($"history: agreement '{parts[0]}' does not exist{(clocks.KnownAt is null ? "" : $" at {clocks.KnownAt:O}")}");
        var commitments = parts.Length == 1 ? agreement.Commitments.ToList() : agreement.Commitment(parts[1]) is { } c ? [c] : [];
        if (commitments.Count == 0) return CliErrors.Fail($"history: commitment '{parts[1]}' does not exist in '{parts[0]}'");

        var histories = commitments.Select(c => CommitmentHistory.Of(agreement, c, clocks.AsOf)).ToList();
        Console.Out.Write(input.FormatFlag == "json"
            ? JsonSerializer.Serialize(histories, CliJson.Options) + Environment.NewLine
            : string.Concat(histories.Select(h => HistoryMarkdown.Render(h, clocks.AsOf, clocks.KnownAt))));
        return true;
    }
}
