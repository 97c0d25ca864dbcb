using System.Text;
using JasperFx.CommandLine;
using Tracker.Agreements;
using Tracker.Portfolio;
using Tracker.Agreements.Deciding;
using Tracker.Reports;
using Tracker.Reports.Rendering;
using Tracker.Kernel;

namespace Tracker.Cli;

public enum ReportKind
{
    Status,
    Changes,
}

public class ReportInput : TrackerInput
{
    // Text, not the enum: JasperFx parses enum arguments case-sensitively and answers a typo with a stack trace.
    [Description("status (every matching commitment's stage) | changes (every stage transition in a period)")]
    public string Kind { get; set; } = "status";

    [Description("status: only this agreement (its id)"), FlagAlias("agreement", 'a')]
    public string? AgreementFlag { get; set; }

    [Description("status: only agreements this actor is a party to (e.g. UKR)"), FlagAlias("party", 'p')]
    public string? PartyFlag { get; set; }

    [Description("status: only commitments of this category (e.g. air-defence)"), FlagAlias("category", 'c')]
    public string? CategoryFlag { get; set; }

    [Description("status: only commitments at this stage (e.g. under-examination)"), FlagAlias("stage", 's')]
    public string? StageFlag { get; set; }

    [Description("status: only contested commitments (true) or only uncontested ones (false)"), FlagAlias("contested", true)]
    public string? ContestedFlag { get; set; }

    [Description("status: only overdue commitments (true: target date passed, not fulfilled) or only the others (false)"), FlagAlias("overdue", true)]
    public string? OverdueFlag { get; set; }

    [Description("status: only commitments a speaker of this name spoke of (words starting words of the name or role, e.g. Umerov)"), FlagAlias("speaker", true)]
    public string? SpeakerFlag { get; set; }

    [Description("status: only commitments a speaker for this actor spoke of (e.g. FRA)"), FlagAlias("actor", true)]
    public string? ActorFlag { get; set; }

    [Description("status: valid time, YYYY-MM-DD: only statements said by then (default: all)"), FlagAlias("as-of", true)]
    public string? AsOfFlag { get; set; }

    [Description("changes: first said-on date of the period, YYYY-MM-DD (default: 30 days before --to)"), FlagAlias("from", true)]
    public string? FromFlag { get; set; }

    [Description("changes: last said-on date of the period, YYYY-MM-DD (default: today)"), FlagAlias("to", true)]
    public string? ToFlag { get; set; }

    [Description("Record time, an ISO 8601 instant: the tracker as it stood then (default: now)"), FlagAlias("known-at", 'k')]
    public string? KnownAtFlag { get; set; }

    [Description("md (default) | csv | json | html | xlsx (status: a workbook, to --output FILE or a redirect)"), FlagAlias("format", 'f')]
    public string? FormatFlag { get; set; }

    [Description("Write to this file instead of standard output (CSV files start with a UTF-8 byte-order mark)"), FlagAlias("output", 'o')]
    public string? OutputFlag { get; set; }
}

// No square brackets in descriptions: the help screen reads them as colour markup.
[Description("Print or save a report: 'report status --as-of D --format md|csv|json|html|xlsx --output FILE' " +
             "or 'report changes --from D1 --to D2'; every flag is optional (changes: the last 30 days)", Name = "report")]
public class ReportCommand : JasperFxAsyncCommand<ReportInput>
{
    public ReportCommand()
    {
        Usage("A status or changes report").Arguments(x => x.Kind);
    }

    public override async Task<bool> Execute(ReportInput input)
    {
        ReportKind? parsed = input.Kind.Trim().ToLowerInvariant() switch
        {
            "status" => ReportKind.Status,
            "changes" => ReportKind.Changes,
            _ => null,
        };
        if (parsed is not { } kind)
        {
            Console.Error.WriteLine($"report: '{input.Kind}' is not a report; use 'report status' or 'report changes'.");
            return false;
        }

        // Everything is checked before the database is read: a typo fails fast, and says which flag.
        var errors = Misplaced(input, kind);
        StatusReportRequest? status = null;
        ChangesReportRequest? changes = null;
        errors.AddRange(kind == ReportKind.Status
            ? ReportRequests.ParseStatus(new(input.AgreementFlag, input.PartyFlag, input.CategoryFlag, input.StageFlag,
                    input.ContestedFlag, input.OverdueFlag, input.SpeakerFlag, input.ActorFlag),
                input.AsOfFlag, input.KnownAtFlag, input.FormatFlag, ReportFormat.Markdown, out status)
            : ReportRequests.ParseChanges(input.FromFlag, input.ToFlag, input.KnownAtFlag, input.FormatFlag,
                ReportFormat.Markdown, Today.Anywhere(TimeProvider.System), out changes));
        if (input.OutputFlag is { } output)
        {
            if (string.IsNullOrWhiteSpace(output)) errors.Add(new FieldError("output", "needs a file name"));
            else if (Path.GetDirectoryName(Path.GetFullPath(output)) is { } dir && !Directory.Exists(dir))
                errors.Add(new FieldError("output", $"the folder {dir} does not exist"));
        }
        if (status is { Format: ReportFormat.Xlsx } && input.OutputFlag is null && !Console.IsOutputRedirected)
            errors.Add(new FieldError("format", "xlsx is a binary workbook, not for a terminal: save it with --output FILE or redirect standard output to a file"));
        // Party and actor are looked up in the registry (registered actors, aliases), which needs the database.
        var registryFields = errors.Count(e => e.Field is "party" or "actor");
        if (errors.Count > registryFields) return CliErrors.Report($"report {Name(kind)}", errors);

        using var host = await input.BuildHost().StartedForCommandAsync();
        if (kind == ReportKind.Status && (input.PartyFlag is not null || input.ActorFlag is not null))
        {
            (errors, status) = await ReportRequests.ParseStatusAsync(host.Services.GetRequiredService<Npgsql.NpgsqlDataSource>(),
                new(input.AgreementFlag, input.PartyFlag, input.CategoryFlag, input.StageFlag, input.ContestedFlag, input.OverdueFlag,
                    input.SpeakerFlag, input.ActorFlag), input.AsOfFlag, input.KnownAtFlag, input.FormatFlag, ReportFormat.Markdown, default);
            if (errors.Count > 0) return CliErrors.Report($"report {Name(kind)}", errors);
        }
        var now = host.Services.GetRequiredService<TimeProvider>().GetUtcNow();
        var portfolio = host.Services.GetRequiredService<PortfolioReads>();
        if (status is { Format: ReportFormat.Xlsx }) return await ReportWorkbook.WriteAsync(portfolio, status, now, input.OutputFlag);
        var format = status?.Format ?? changes!.Format;
        // As the API does: an agreement that does not exist is a mistake to name, not an empty report.
        await portfolio.CheckAgreementAsync(status?.Filter, errors, default);
        if (errors.Count > 0) return CliErrors.Report($"report {Name(kind)}", errors);
        // Rendered as the rows arrive, like the API's whole reports: a large portfolio never sits in memory. The status
        // report's CSV is written by PostgreSQL, as the API's is.
        async Task WriteAsync(Stream stream)
        {
            if (status is { Format: ReportFormat.Csv })
            {
                await CsvCopy.StatusAsync(portfolio.ReportSource, stream, status.Filter, status.Clocks, now, default);
                return;
            }
            await using var writer = new StreamWriter(stream, new UTF8Encoding(false), leaveOpen: true);
            await (status is not null
                ? portfolio.StreamStatusAsync(status.Filter, status.Clocks, now,
                    (head, rows) => ReportRenderer.Layout(format, head).WriteAsync(writer, head, rows, default), default)
                : portfolio.StreamChangesAsync(changes!.From, changes.To, changes.KnownAt, now,
                    (head, rows) => ReportRenderer.Layout(format).WriteAsync(writer, head, rows, default), default));
        }

        if (input.OutputFlag is { } file)
        {
            try
            {
                await using var stream = File.Create(file);
                if (format == ReportFormat.Csv) await stream.WriteAsync(Encoding.UTF8.Preamble.ToArray());
                await WriteAsync(stream);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine($"report {Name(kind)}: --output: cannot write {file}: {e.Message}");
                return false;
            }
            Console.Error.WriteLine($"Wrote {file}.");
        }
        else
        {
            // Straight to the stream as UTF-8 without a byte-order mark, whatever the terminal's settings: a pipe
            // into another tool must get the same bytes as the file would, minus the mark.
            await using var stdout = Console.OpenStandardOutput();
            await WriteAsync(stdout);
        }
        return true;
    }

    /// <summary>Flags that belong to the other kind of report are an error, not silently ignored.</summary>
    private static List<FieldError> Misplaced(ReportInput input, ReportKind kind)
    {
        var errors = new List<FieldError>();
        void Only(ReportKind allowed, string field, string? value)
        {
            if (value is not null && kind != allowed)
                errors.Add(new FieldError(field, $"only applies to 'report {Name(allowed)}'"));
        }
        Only(ReportKind.Status, "agreement", input.AgreementFlag);
        Only(ReportKind.Status, "party", input.PartyFlag);
        Only(ReportKind.Status, "category", input.CategoryFlag);
        Only(ReportKind.Status, "stage", input.StageFlag);
        Only(ReportKind.Status, "contested", input.ContestedFlag);
        Only(ReportKind.Status, "overdue", input.OverdueFlag);
        Only(ReportKind.Status, "speaker", input.SpeakerFlag);
        Only(ReportKind.Status, "actor", input.ActorFlag);
        Only(ReportKind.Status, "asOf", input.AsOfFlag);
        Only(ReportKind.Changes, "from", input.FromFlag);
        Only(ReportKind.Changes, "to", input.ToFlag);
        return errors;
    }

    private static string Name(ReportKind kind) => kind.ToString().ToLowerInvariant();
}
