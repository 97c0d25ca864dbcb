using JasperFx.CommandLine;
using Tracker.Following.Digests;

namespace Tracker.Cli;

public class DigestInput : TrackerInput
{
    [Description("send")]
    public string Action { get; set; } = "send";

    [Description("Only this user's digest (default: every user with an email address who follows something)"), FlagAlias("user", 'u')]
    public string? UserFlag { get; set; }
}

/// <summary>Sends today's digests now, as the schedule would at its hour: each at most once a day, whoever sends it.</summary>
[Description("Mail today's digests of followed changes now (Tracker:Digest:* settings): 'digest send [--user NAME]'; " +
             "a digest sent today already is not sent again", Name = "digest")]
public class DigestCommand : JasperFxAsyncCommand<DigestInput>
{
    public DigestCommand() => Usage("Send today's digests").Arguments(x => x.Action);

    public override async Task<bool> Execute(DigestInput input)
    {
        if (!string.Equals(input.Action, "send", StringComparison.OrdinalIgnoreCase))
            return CliErrors.Fail($"digest: unknown action '{input.Action}'; use send.");
        using var host = await input.BuildHost().StartedForCommandAsync();
        var sender = host.Services.GetRequiredService<DigestSender>();
        if (sender.Settings.Problems() is { Count: > 0 } problems)
        {
            foreach (var p in problems) Console.Error.WriteLine($"digest send: {p.Field} {p.Reason}");
            return false;
        }
        var day = sender.Today;
        if (input.UserFlag is { } only && (await sender.RecipientsAsync(only, CancellationToken.None)).Count == 0)
            return CliErrors.Fail($"digest send: --user: '{only}' gets no digest: no such active user, or they have no email address " +
                                  "('users email NAME ADDRESS') or follow nothing");
        var (done, failed) = await sender.SendAllAsync(day, input.UserFlag, CancellationToken.None);
        foreach (var r in done)
            Console.WriteLine(r.Outcome switch
            {
                DigestOutcome.Sent => $"{r.User}: sent ({r.Changes} changes)",
                DigestOutcome.Empty => $"{r.User}: nothing new, no mail",
                DigestOutcome.AlreadyDone => $"{r.User}: sent already on {day:yyyy-MM-dd}",
                _ => $"{r.User}: being sent by another instance now",
            });
        foreach (var (user, error) in failed) Console.Error.WriteLine($"digest send: {user}: not sent: {error.Message}");
        Console.Error.WriteLine($"Digests for {day:yyyy-MM-dd}: {done.Count(r => r.Outcome == DigestOutcome.Sent)} sent, {failed.Count} failed.");
        return failed.Count == 0;
    }
}
