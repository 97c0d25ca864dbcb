using System.Text;
using Tracker.Agreements;

namespace Tracker.Reports.Rendering;

/// <summary>
/// A commitment's history as Markdown, the same for <c>history?format=md</c> and the <c>history</c> verb: each
/// statement with its words, speaker and source (links to it and its archived copy) and id, so that a reader can check
/// every stage against what was said; each transition names the statement that caused it; corrections and
/// retractions say who, when and why.
/// </summary>
public static class HistoryMarkdown
{
    private static readonly string[] Columns =
        ["Said on", "Entry", "Stage", "Speaker", "Words", "Source", "Statement", "Recorded", "By", "Notes"];

    public static string Render(CommitmentHistory h, DateOnly? asOf = null, DateTimeOffset? knownAt = null)
    {
        var text = new StringBuilder()
            .Append("## ").Append(Markdown.Escape(h.Title)).Append(" (").Append(Markdown.Escape($"{h.AgreementId}/{h.CommitmentId}"))
            .Append(")\n\n")
            .Append("Stage: **").Append(ReportText.Stage(h.Stage)).Append("** · as of ").Append(ReportText.AsOf(asOf))
            .Append(" · known at ").Append(ReportText.KnownAt(knownAt)).Append("\n\n")
            .Append(Markdown.Header(Columns));
        foreach (var e in h.Entries)
        {
            if (e.Transition is { } t)
                text.Append(Markdown.Row(ReportText.SaidOn(e.SaidOn), "transition",
                    Markdown.Escape($"{ReportText.Stage(t.From)} → {t.To.Name()}"), "", "", "", Id(t.StatementId),
                    Time(t.Recorded.At), Markdown.Escape(t.Recorded.By), ""));
            else if (e.Statement is { } s)
                text.Append(Markdown.Row(ReportText.SaidOn(s.SaidOn), "statement",
                    Markdown.Escape(s.AssertedStage?.Name() ?? "(no longer about it)"), Markdown.Escape(ReportText.SpeakerWithRole(s.Speaker, s.Role, s.Actor)),
                    Markdown.Escape(Words(s)), Source(s), Id(s.StatementId), Time(s.Recorded.At), Markdown.Escape(By(s.Recorded, s.Proposed)),
                    Markdown.Escape(Notes(s))));
        }
        return text.Append('\n').ToString();
    }

    /// <summary>The words as said, in their language, then their translation.</summary>
    private static string Words(StatementHistory s) =>
        $"“{s.Quote}” ({s.Language}" + (s.Translation is { Length: > 0 } t ? $"; translation: “{t}”)" : ")");

    private static string Source(StatementHistory s)
    {
        var cell = new StringBuilder(Markdown.Escape($"{s.Outlet} ({Vocabulary.NameOf(s.SourceKind)})"));
        if (s.Url is { Length: > 0 } url) cell.Append(' ').Append(Markdown.Link("source", url));
        if (s.ArchiveUrl is { Length: > 0 } archive) cell.Append(' ').Append(Markdown.Link("archived", archive));
        if (s.Document is { } d)
        {
            var named = Markdown.Escape($"document {d.FileName ?? d.DocumentId.ToString()}{(Agreements.Source.PinpointOf(d.Page, d.Paragraph) is { } at ? ", " + at : "")}");
            cell.Append(' ').Append(d.Link is { } link ? Markdown.Link(named, link) : named);
        }
        if (s.SourceCheck is { } check)
        {
            cell.Append(" — ").Append(Markdown.Escape(check.Shown));
            if (check.CapturedCopy is { } copy) cell.Append(' ').Append(Markdown.Link("captured copy", copy));
        }
        return cell.ToString();
    }

    private static string Id(Guid statementId) => $"`{statementId}`";

    private static string Notes(StatementHistory s)
    {
        var notes = new StringBuilder();
        foreach (var c in s.Corrections)
            notes.Append($"corrected {string.Join(", ", c.Fields)} by {By(c.Recorded, c.Proposed)} at {Time(c.Recorded.At)}: {c.Reason}; ");
        if (s.Retraction is { } r) notes.Append($"RETRACTED by {By(r.Recorded, s.RetractionProposed)} at {Time(r.Recorded.At)}: {r.Reason}");
        return notes.ToString().TrimEnd(' ', ';');
    }

    /// <summary>Who recorded it; where four-eyes review approved it, its proposer and its approver (the record's author).</summary>
    public static string By(Recording recorded, Recording? proposed) =>
        proposed is null ? recorded.By ?? "" : $"{proposed.By}, approved by {recorded.By}";

    /// <summary>To the second, UTC, culture-invariant: "2025-06-05 10:11:12Z".</summary>
    public static string Time(DateTimeOffset t) =>
        t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture) + "Z";
}
