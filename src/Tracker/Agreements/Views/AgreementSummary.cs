namespace Tracker.Agreements;

public sealed record CommitmentLine(
    string CommitmentId, string Title, Category Category, Stage? Stage, SaidOn? Since, bool Contested, int StatementCount);

public sealed record AgreementSummary(
    string AgreementId,
    string Title,
    IReadOnlyList<string> Parties,
    string? Summary,
    IReadOnlyList<string> Tags,
    long Version,
    IReadOnlyList<CommitmentLine> Commitments,
    /// <summary>Commitments per stage; "none" counts those no statement speaks of yet.</summary>
    IReadOnlyDictionary<string, int> CountsByStage,
    int StatementCount,
    int RetractedCount,
    SaidOn? LastStatementOn,
    Recording Opened,
    Recording LastActivity)
{
    public static AgreementSummary Of(Agreement agreement, DateOnly? asOf = null)
    {
        var statements = agreement.Statements.Where(s => asOf is null || s.Current.SaidOn.IsKnownBy(asOf.Value)).ToList();
        return From(agreement.Id, agreement.Title, agreement.Parties, agreement.Summary, agreement.Tags, agreement.Version,
            StatusRule.EvaluateAll(agreement, asOf),
            statements.Count(s => !s.IsRetracted),
            statements.Count(s => s.IsRetracted),
            statements.Where(s => !s.IsRetracted).Select(s => (SaidOn?)s.Current.SaidOn).Max(),
            agreement.Opened,
            agreement.LastActivity);
    }

    /// <summary>A summary from its parts, however they were read (a fold, or the portfolio tables).</summary>
    public static AgreementSummary From(string id, string title, IReadOnlyList<string> parties, string? summary,
        IReadOnlyList<string> tags, long version, IReadOnlyList<CommitmentStatus> statuses, int statementCount,
        int retractedCount, SaidOn? lastStatementOn, Recording opened, Recording lastActivity) =>
        new(id, title, parties, summary, tags, version,
            statuses.Select(s => new CommitmentLine(s.CommitmentId, s.Title, s.Category, s.Stage, s.Since, s.Contested,
                s.StatementCount)).ToList(),
            CountByStage(statuses), statementCount, retractedCount, lastStatementOn, opened, lastActivity);

    public static IReadOnlyDictionary<string, int> CountByStage(IEnumerable<CommitmentStatus> statuses)
    {
        var counts = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var s in statuses)
        {
            var key = s.Stage is { } stage ? stage.Name() : "none";
            counts[key] = counts.GetValueOrDefault(key) + 1;
        }
        return counts;
    }
}
