using System.Text.Json;
using JasperFx.CommandLine;
using Tracker.Integrity;

namespace Tracker.Cli;

public class VerifyInput : TrackerInput
{
    [Description("Only this agreement's events, each against the hash row before it"), FlagAlias("agreement", 'a')]
    public string? AgreementFlag { get; set; }

    [Description("The chain from this event's sequence number on"), FlagAlias("from", true)]
    public long? FromFlag { get; set; }

    [Description("A checkpoint file ('tracker checkpoint --output'): prove the log still extends it"), FlagAlias("checkpoint", 'c')]
    public string? CheckpointFlag { get; set; }

    [Description("text (default) or json"), FlagAlias("format", 'f')]
    public string FormatFlag { get; set; } = "text";
}

[Description("Recompute the hash chain over the event log: 'N events verified, head H', or the first event that fails and how",
    Name = "verify")]
public class VerifyCommand : JasperFxAsyncCommand<VerifyInput>
{
    public override async Task<bool> Execute(VerifyInput input)
    {
        var errors = new List<Kernel.FieldError>();
        if (input.FormatFlag is not ("text" or "json")) errors.Add(new("format", $"'{input.FormatFlag}' is not text or json"));
        if (input.FromFlag is < 1) errors.Add(new("from", "must be a sequence number of 1 or more"));
        if (input.AgreementFlag is not null && input.FromFlag is not null) errors.Add(new("from", "give either --agreement or --from, not both"));
        if (input.CheckpointFlag is not null && (input.AgreementFlag is not null || input.FromFlag is not null))
            errors.Add(new("checkpoint", "a checkpoint is checked against the whole chain: leave out --agreement and --from"));
        if (input.CheckpointFlag is { } f && !File.Exists(f)) errors.Add(new("checkpoint", $"no such file: {f}"));
        if (errors.Count > 0) return CliErrors.Report("verify", errors);

        Checkpoint? anchor = null;
        if (input.CheckpointFlag is { } path)
        {
            anchor = Checkpoint.Parse(path, await File.ReadAllTextAsync(path), out var problem);
            if (anchor is null) return CliErrors.Fail($"verify: --checkpoint: {problem}");
        }

        using var host = await input.BuildHost().StartedForCommandAsync();
        var report = await host.Services.GetRequiredService<ChainVerifier>()
            .VerifyAsync(new ChainScope(input.AgreementFlag, input.FromFlag), anchor);

        if (input.FormatFlag == "json")
            Console.Out.WriteLine(JsonSerializer.Serialize(report, CliJson.Options));
        else
            Console.Out.Write(Text(report));
        // The bytes the chained captures and documents name (only after the chain that names them holds).
        if (!report.Intact || input.FromFlag is not null) return report.Intact;
        var bytes = await StoredBytes.VerifyAsync(host.Services.GetRequiredService<Npgsql.NpgsqlDataSource>(), input.AgreementFlag,
            CancellationToken.None);
        var line = bytes.Intact ? $"OK: {bytes.Checked} stored captures and documents match the SHA-256 their events name."
            : $"FAILED: stored bytes: {bytes.Failure}.";
        if (bytes.Checked == 0 && bytes.Intact) return true;
        if (input.FormatFlag == "json") Console.Error.WriteLine(line);
        else Console.Out.WriteLine(line);
        return bytes.Intact;
    }

    private static string Text(IntegrityReport r)
    {
        var lines = new List<string> { (r.Intact ? "OK: " : "FAILED: ") + r.Summary + "." };
        if (r.Break is { } b) lines.Add($"How: {b.Kind}.");
        if (r.Checkpoint is { } c) lines.Add($"Checkpoint ({c.Source}): {c.Detail}.");
        if (r.Genesis is { Backfilled: > 0 } g)
            lines.Add($"The chain began on {g.ChainedAt.UtcDateTime:yyyy-MM-dd HH:mm:ss}Z: the {g.Backfilled:N0} events stored before then " +
                      $"(through #{g.BackfilledThroughSequence}) were chained at that moment, so it proves them unchanged since then, not before.");
        else if (r.Genesis is { } g0)
            lines.Add($"The chain began on {g0.ChainedAt.UtcDateTime:yyyy-MM-dd HH:mm:ss}Z, before the first event: every event is chained as it is appended.");
        lines.Add($"{r.Verified:N0} events in {r.Seconds:0.###} s ({r.EventsPerSecond:N0} events/s).");
        return string.Join(Environment.NewLine, lines) + Environment.NewLine;
    }
}
