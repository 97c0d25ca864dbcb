using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using MimeKit;
using Tracker.Security;

namespace Tracker.Following.Digests;

/// <summary>
/// A digest as a plain-text mail: each change newest first, as the Following page shows it (what moved, when it was
/// recorded, the quote of the statement that caused it, the reason of a correction or retraction) with a link to its
/// workbench page, then what the user follows. Plain text: every mail client shows it, and nothing in it runs.
/// </summary>
public static class DigestMail
{
    public static MimeMessage Compose(DigestSettings settings, ApiUser user, DateOnly day, IReadOnlyList<FollowedChange> changes, bool more,
        IReadOnlyList<Follow> follows)
    {
        var workbench = settings.WorkbenchUrl!.TrimEnd('/');
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"Changes to what you follow in Tracker since your last digest, newest first ({day:yyyy-MM-dd}, UTC).\n\n");
        foreach (var change in changes)
        {
            text.Append(CultureInfo.InvariantCulture, $"* {change.Title}\n");
            text.Append(CultureInfo.InvariantCulture, $"  agreement {change.AgreementId}, recorded {change.RecordedAt.UtcDateTime:yyyy-MM-dd HH:mm} UTC\n");
            if (change.Quote is { } quote) text.Append(CultureInfo.InvariantCulture, $"  “{OneLine(quote)}”\n");
            if (change.Reason is { } reason) text.Append(CultureInfo.InvariantCulture, $"  Reason: {OneLine(reason)}\n");
            text.Append(CultureInfo.InvariantCulture, $"  {workbench}{change.Page}\n\n");
        }
        if (more) text.Append(CultureInfo.InvariantCulture, $"Older changes than these {changes.Count} are on your Following page.\n\n");
        text.Append("You follow:\n");
        foreach (var follow in follows) text.Append(CultureInfo.InvariantCulture, $"- {follow.Describe()}\n");
        text.Append(CultureInfo.InvariantCulture, $"\nYour Following page (follow, unfollow): {workbench}/following\n");

        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(settings.From!));
        message.To.Add(new MailboxAddress(user.Id, user.Email!));
        message.Subject = $"Tracker: {changes.Count}{(more ? "+" : "")} change{(changes.Count == 1 ? "" : "s")} to what you follow ({day:yyyy-MM-dd})";
        message.Date = DateTimeOffset.UtcNow;
        // One id per user and day: a mail sent twice (a sender died between the server's acceptance and the mark) is
        // recognisably the same mail.
        message.MessageId = $"digest.{day:yyyyMMdd}.{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(user.Id)))[..16]}@tracker";
        message.Body = new TextPart("plain") { Text = text.ToString() };
        return message;
    }

    /// <summary>A quote or reason on one line of the list (its own line breaks would break the layout).</summary>
    private static string OneLine(string text) => string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries));
}
