using System.Text;
using System.Text.Json;
using JasperFx.CommandLine;
using Marten;
using Tracker.Agreements;
using Tracker.Agreements.Storage;
using Tracker.Http;

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
            : string.Concat(histories.Select(Markdown)));
        return true;
    }

    private static string Markdown(CommitmentHistory h)
    {
        var table = new MarkdownTable("Said on", "Entry", "Stage", "Speaker", "Outlet", "Recorded", "By", "Notes");
        foreach (var e in h.Entries)
        {
            if (e.Transition is { } t)
                table.Add(e.SaidOn.ToString(), "transition", $"{t.From?.Name() ?? "–"} → {t.To.Name()}", "", "", Time(t.Recorded.At), t.Recorded.By, "");
            else if (e.Statement is { } s)
                table.Add(e.SaidOn.ToString(), "statement", s.AssertedStage?.Name() ?? "(no longer about it)", s.Speaker, s.Outlet,
                    Time(s.Recorded.At), s.Recorded.By, Notes(s));
        }
        return $"## {h.Title} ({h.AgreementId}/{h.CommitmentId})\n\nStage: **{h.Stage?.Name() ?? "none yet"}**\n\n{table}\n";
    }

    private static string Notes(StatementHistory s)
    {
        var notes = new StringBuilder();
        foreach (var c in s.Corrections)
            notes.Append($"corrected {string.Join(", ", c.Fields)} by {c.Recorded.By} at {Time(c.Recorded.At)}: {c.Reason}; ");
        if (s.Retraction is { } r) notes.Append($"RETRACTED by {r.Recorded.By} at {Time(r.Recorded.At)}: {r.Reason}");
        return notes.ToString().TrimEnd(' ', ';');
    }

    internal static string Time(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss") + "Z";
}
