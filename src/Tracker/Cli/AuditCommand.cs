using System.Text.Json;
using JasperFx.CommandLine;
using Marten;
using Tracker.Audit;
using Tracker.Http;
using Tracker.Kernel;
using Tracker.Reports.Rendering;

namespace Tracker.Cli;

public class AuditInput : TrackerInput
{
    [Description("Only this agreement"), FlagAlias("agreement", 'a')]
    public string? AgreementFlag { get; set; }

    [Description("Only events recorded by this user"), FlagAlias("user", 'u')]
    public string? UserFlag { get; set; }

    [Description("Recorded at or after this instant (ISO 8601)"), FlagAlias("from", true)]
    public string? FromFlag { get; set; }

    [Description("Recorded at or before this instant (ISO 8601)"), FlagAlias("to", true)]
    public string? ToFlag { get; set; }

    [Description("md (default) or json"), FlagAlias("format", 'f')]
    public string FormatFlag { get; set; } = "md";
}

[Description("The audit trail: every event, who recorded it, when, why", Name = "audit")]
public class AuditCommand : JasperFxAsyncCommand<AuditInput>
{
    public override async Task<bool> Execute(AuditInput input)
    {
        var errors = new List<Tracker.Kernel.FieldError>();
        var from = RequestContext.ParseInstant(input.FromFlag, "from", errors, dateMeansStart: true);
        var to = RequestContext.ParseInstant(input.ToFlag, "to", errors);
        if (input.FormatFlag is not ("md" or "json")) errors.Add(new("format", $"'{input.FormatFlag}' is not md or json"));
        if (errors.Count > 0) return CliErrors.Report("audit", errors);

        using var host = await input.BuildHost().StartedForCommandAsync();
        var store = host.Services.GetRequiredService<IDocumentStore>();
        await using var session = store.QuerySession();
        var behind = await EventsNotYetInTrailAsync(store);
        var entries = await new AuditFilter(input.AgreementFlag, input.UserFlag, from, to).Apply(session).ToListAsync();

        if (input.FormatFlag == "json")
        {
            Console.Out.WriteLine(JsonSerializer.Serialize(entries, CliJson.Options));
            return true;
        }
        var table = new MarkdownTable("#", "Recorded", "By", "Agreement", "Event", "Statement", "Commitments", "Reason", "Correlation");
        foreach (var e in entries)
            table.Add(e.Sequence.ToString(), HistoryMarkdown.Time(e.RecordedAt), e.RecordedBy, e.AgreementId, e.EventType,
                e.StatementId?.ToString(), string.Join(", ", e.CommitmentIds),
                e.Fields.Count > 0 ? $"{e.Reason} ({string.Join(", ", e.Fields)})" : e.Reason, e.CorrelationId);
        Console.Out.Write(table.ToString());
        Console.Error.WriteLine($"{entries.Count:N0} events.");
        if (behind > 0)
            Console.Error.WriteLine($"The trail is built by the running service and is {behind:N0} events behind the store: " +
                                    "start the service, or run 'projections rebuild -p AuditTrail', then ask again.");
        return true;
    }

    private static async Task<long> EventsNotYetInTrailAsync(IDocumentStore store)
    {
        var statistics = await store.Advanced.FetchEventStoreStatistics();
        var progress = await store.Advanced.AllProjectionProgress();
        var trail = progress.FirstOrDefault(p => p.ShardName.StartsWith(AuditTrailProjection.ProjectionName, StringComparison.Ordinal));
        return statistics.EventSequenceNumber - (trail?.Sequence ?? 0);
    }
}
