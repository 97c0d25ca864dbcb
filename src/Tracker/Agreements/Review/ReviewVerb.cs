using System.Text.Json;
using System.Text.Json.Nodes;
using JasperFx.CommandLine;
using Marten;
using Tracker.Cli;
using Tracker.Cli.Writing;
using Tracker.Kernel;

namespace Tracker.Agreements;

public class ReviewInput : StatementWriteInput
{
    [Description("approve, return or reject (the body's decision)"), FlagAlias("decision", 'd')]
    public string? DecisionFlag { get; set; }

    [Description("Why: required to return or reject (the body's reason)"), FlagAlias("reason", 'r')]
    public string? ReasonFlag { get; set; }

    [Description("List proposals instead, oldest first, as JSON Lines (with --state, --agreement, --proposed-by)"), FlagAlias("list", 'l')]
    public bool ListFlag { get; set; }

    [Description("With --list: awaiting (default), approved, returned or rejected"), FlagAlias("state", 's')]
    public string? StateFlag { get; set; }

    [Description("With --list: only this user's proposals (their returned statements: --state returned)"), FlagAlias("proposed-by", true)]
    public string? ProposedByFlag { get; set; }
}

/// <summary>The review queue from the command line: <c>review --list</c>, or a decision on one statement's proposal, decided
/// as <c>POST …/review</c> decides it, as --user (never the proposer).</summary>
[Description("Decide a statement's proposal where review is required: 'review --agreement A --statement-id S --decision " +
             "approve|return|reject [--reason R]' (never your own); 'review --list' prints the queue", Name = "review")]
public class ReviewVerb : WriteVerb<ReviewInput, ReviewStatement>
{
    private static readonly JsonSerializerOptions Lines = new(CliJson.Options) { WriteIndented = false };

    protected override string Verb => "review";

    protected override bool BodyRequired => false;

    protected override IReadOnlyDictionary<string, string> FlagOfField =>
        new Dictionary<string, string> { ["decision"] = "--decision", ["reason"] = "--reason" };

    protected override void ApplyFlags(ReviewInput input, RequestBody body, List<FieldError> errors)
    {
        if (input.DecisionFlag is { } decision) body.Set("decision", JsonValue.Create(decision));
        if (input.ReasonFlag is { } reason) body.Set("reason", JsonValue.Create(reason));
    }

    protected override ReviewStatement Complete(ReviewStatement command, ReviewInput input, List<FieldError> errors) => command with
    {
        AgreementId = Matching("agreementId", "--agreement", input.AgreementFlag, command.AgreementId, errors)!,
        StatementId = StatementId(input, command.StatementId, errors, required: true),
    };

    protected override object Written(ReviewStatement command, long version) =>
        new ReviewWritten(command.AgreementId, command.StatementId, version, command.Decision ?? "", ReviewStatement.StateAfter(command.Decision ?? ""));

    protected override string Done(ReviewStatement command) =>
        $"Decided '{command.Decision}' on statement {command.StatementId} in '{command.AgreementId}'";

    public override async Task<bool> Execute(ReviewInput input)
    {
        if (!input.ListFlag) return await base.Execute(input);
        var state = string.IsNullOrWhiteSpace(input.StateFlag) ? ProposalStates.Awaiting : input.StateFlag.Trim();
        if (!ProposalStates.All.Contains(state))
            return CliErrors.Report("review", [new("state", $"'{state}' is not one of: {string.Join(", ", ProposalStates.All)}")]);
        using var host = await input.BuildHost().StartedForCommandAsync();
        await using var session = host.Services.GetRequiredService<IDocumentStore>().QuerySession();
        var printed = 0;
        for (var page = 1; ; page++)
        {
            var found = await ReviewEndpoints.ProposalsAsync(session, state, input.AgreementFlag, input.ProposedByFlag,
                new Http.Paging(page, Http.Paging.MaxSize), CancellationToken.None);
            foreach (var proposal in found.Items) Console.Out.WriteLine(JsonSerializer.Serialize(proposal, Lines));
            printed += found.Items.Count;
            if (printed >= found.Total || found.Items.Count == 0) break;
        }
        Console.Error.WriteLine($"{printed:N0} proposals {state}.");
        return true;
    }
}
