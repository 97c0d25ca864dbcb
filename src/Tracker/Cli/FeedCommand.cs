using System.Text.Json;
using JasperFx.CommandLine;
using Npgsql;
using Tracker.Following;
using Tracker.Portfolio;

namespace Tracker.Cli;

public class FeedInput : TrackerInput
{
    [Description("Start after this cursor (an entry's 'cursor', or the one printed last time); default: from the beginning"),
     FlagAlias("after", true)]
    public string? AfterFlag { get; set; }

    [Description("Print at most this many entries (default: all up to the latest commit)"), FlagAlias("limit", 'n')]
    public int? LimitFlag { get; set; }

    [Description("Only this agreement (its id)"), FlagAlias("agreement", 'a')]
    public string? AgreementFlag { get; set; }

    [Description("Only agreements this actor is a party to (e.g. UKR)"), FlagAlias("party", 'p')]
    public string? PartyFlag { get; set; }

    [Description("Only entries about commitments of this category (e.g. air-defence)"), FlagAlias("category", 'c')]
    public string? CategoryFlag { get; set; }
}

/// <summary>The change feed as JSON Lines, one entry a line, the same entries as <c>GET /api/feed</c>; the cursor to
/// resume from goes to standard error (and is each line's own <c>cursor</c>).</summary>
[Description("Print the change feed (statement lifecycle and status changes, in commit order) as JSON Lines; " +
             "resume with --after CURSOR", Name = "feed")]
public class FeedCommand : JasperFxAsyncCommand<FeedInput>
{
    private static readonly JsonSerializerOptions Lines = new(CliJson.Options) { WriteIndented = false };

    public override async Task<bool> Execute(FeedInput input)
    {
        // The flags are checked as the API checks them; the filters need the registry, so the host starts first.
        if (input.LimitFlag is < 1) return CliErrors.Report("feed", [new("limit", "must be 1 or more")]);
        if (!FeedCursor.TryParse(input.AfterFlag, out _))
            return CliErrors.Report("feed", [new("after", "is not a cursor this feed gave out: pass an entry's or a page's cursor unchanged")]);

        using var host = await input.BuildHost().StartedForCommandAsync();
        var dataSource = host.Services.GetRequiredService<NpgsqlDataSource>();
        var portfolio = host.Services.GetRequiredService<PortfolioReads>();
        var remaining = input.LimitFlag ?? int.MaxValue;
        var (errors, request) = await FeedRequest.ParseAsync(dataSource, portfolio, input.AfterFlag,
            Math.Min(remaining, FeedRequest.MaxLimit), input.AgreementFlag, input.PartyFlag, input.CategoryFlag, CancellationToken.None);
        if (errors.Count > 0) return CliErrors.Report("feed", errors);

        var cursor = request!.After.ToString();
        var printed = 0;
        while (remaining > 0)
        {
            var page = await Feed.ReadAsync(dataSource, request with { Limit = Math.Min(remaining, FeedRequest.MaxLimit) },
                CancellationToken.None);
            foreach (var entry in page.Entries) Console.Out.WriteLine(JsonSerializer.Serialize(entry, Lines));
            printed += page.Entries.Count;
            remaining -= page.Entries.Count;
            cursor = page.Cursor;
            if (!page.More) break;
            FeedCursor.TryParse(page.Cursor, out var next);
            request = request with { After = next };
        }
        Console.Error.WriteLine($"{printed:N0} entries. Resume with: feed --after {cursor}");
        return true;
    }
}
