using Tracker.Agreements;
using Tracker.Reports.Rendering;

namespace Tracker.Workbench.Pages.Agreements;

/// <summary>
/// What a write would do to the stages of the commitments it speaks of, computed by the status rule over the agreement as
/// it would be once the events are stored: the statement form's preview, and the review queue's "what approving it changes".
/// </summary>
public static class StatusPreview
{
    /// <param name="agreement">Changed in place (the events are applied to it): pass a copy loaded for the preview.</param>
    /// <param name="asserted">The commitments the write speaks of, with the quantity it gives each, if any.</param>
    /// <param name="stays">What a commitment whose stage stays is said to get: a new statement corroborates it.</param>
    public static List<string> Lines(Agreement agreement, IReadOnlyList<object> events,
        IReadOnlyDictionary<string, Quantity?> asserted, string stays = " (corroborates)")
    {
        var before = StatusRule.EvaluateAll(agreement).ToDictionary(s => s.CommitmentId);
        var after = StatusRule.EvaluateAll(Agreement.Simulate(agreement, events));
        var lines = new List<string>();
        foreach (var now in after.Where(s => asserted.ContainsKey(s.CommitmentId)))
        {
            var was = before.GetValueOrDefault(now.CommitmentId);
            var line = was?.Stage == now.Stage
                ? $"{now.CommitmentId}: stays {ReportText.Stage(now.Stage)}{stays}"
                : $"{now.CommitmentId}: {ReportText.Stage(was?.Stage)} → {ReportText.Stage(now.Stage)}";
            if (now.Contested && was?.Contested != true) line += "; becomes contested";
            if (asserted[now.CommitmentId] is { } q) line += $"; quantity {ReportText.Amount(q.Amount)} {q.Unit}";
            lines.Add(line);
        }
        return lines;
    }
}
