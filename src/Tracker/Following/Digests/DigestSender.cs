using Marten;
using MimeKit;
using Npgsql;
using NpgsqlTypes;
using Tracker.Infrastructure;
using Tracker.Security;

namespace Tracker.Following.Digests;

/// <summary>What became of one user's digest for a day.</summary>
public enum DigestOutcome
{
    /// <summary>Mailed now.</summary>
    Sent,
    /// <summary>Nothing they follow changed since their last digest: no mail, and the day is done.</summary>
    Empty,
    /// <summary>This day's digest was sent (or found empty) already: nothing mailed again.</summary>
    AlreadyDone,
    /// <summary>Another sender (instance, verb) holds this day's claim and may be mailing it right now.</summary>
    HeldElsewhere,
}

public sealed record DigestResult(string User, DateOnly Day, DigestOutcome Outcome, int Changes = 0);

/// <summary>
/// Sends a user's daily digest of the changes their watchlist matches since their last digest, at most once per user
/// and UTC day whatever runs it (the schedule on several instances, <c>tracker digest send</c>): before mailing, the
/// sender claims the day's row in <c>tracker.digests</c> (its key is the user and the day), and only the holder of
/// the claim mails. A claim is a lease: a sender killed between the claim and marking the mail sent leaves it to run
/// out, and the digest is then sent by whoever tries next — a mail is never lost, and repeated only when a sender dies
/// after the server accepted it and before the mark (the Message-ID is the same, so a mail client can drop it).
/// </summary>
public sealed class DigestSender(NpgsqlDataSource dataSource, IDocumentStore store, IConfiguration configuration, TimeProvider clock,
    ILogger<DigestSender> logger)
{
    public const string Table = TrackerHost.MartenSchema + ".digests";

    /// <summary>How long a claim keeps others off: longer than connecting and sending take (the client times out first).</summary>
    public static readonly TimeSpan Lease = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan SmtpTimeout = TimeSpan.FromMinutes(2);

    /// <summary>Changes one mail lists at most (the newest); the Following page has the rest.</summary>
    public const int MaxChanges = 100;

    public DigestSettings Settings { get; } = DigestSettings.Read(configuration);

    /// <summary>Today as the digests count days: UTC.</summary>
    public DateOnly Today => DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);

    /// <summary>The users a digest goes to: active, with an email address, following something; one, when named.</summary>
    public async Task<IReadOnlyList<ApiUser>> RecipientsAsync(string? only, CancellationToken ct)
    {
        await using var session = store.QuerySession();
        var users = await session.Query<ApiUser>().Where(u => u.Email != null && u.RevokedAt == null).ToListAsync(ct);
        await using var cmd = dataSource.CreateCommand($"select distinct user_name from {Watchlist.Table} where user_name = any(@users)");
        cmd.Parameters.AddWithValue("users", users.Select(u => u.Id).ToArray());
        var following = new HashSet<string>(StringComparer.Ordinal);
        await using (var reader = await cmd.ExecuteReaderAsync(ct))
            while (await reader.ReadAsync(ct)) following.Add(reader.GetString(0));
        return users.Where(u => following.Contains(u.Id) && (only is null || u.Id == only)).OrderBy(u => u.Id, StringComparer.Ordinal).ToList();
    }

    /// <summary>Each recipient's digest for the day, one after another; a user whose mail fails does not stop the others.</summary>
    public async Task<(List<DigestResult> Done, List<(string User, Exception Error)> Failed)> SendAllAsync(DateOnly day, string? only,
        CancellationToken ct)
    {
        var done = new List<DigestResult>();
        var failed = new List<(string, Exception)>();
        var recipients = await RecipientsAsync(only, ct);
        var finished = only is null ? await FinishedOnAsync(day, ct) : [];
        // The schedule looks every few minutes all day: the days done already are skipped in one read, not claimed again.
        if (only is null) recipients = [.. recipients.Where(u => !finished.Contains(u.Id))];
        foreach (var user in recipients)
        {
            try { done.Add(await SendAsync(user, day, ct)); }
            catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                logger.LogWarning(e, "The digest of {User} for {Day} was not sent; it is tried again later", user.Id, day);
                failed.Add((user.Id, e));
            }
        }
        return (done, failed);
    }

    private async Task<HashSet<string>> FinishedOnAsync(DateOnly day, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand($"select user_name from {Table} where day = @d and state <> 'sending'");
        cmd.Parameters.AddWithValue("d", day);
        var users = new HashSet<string>(StringComparer.Ordinal);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) users.Add(reader.GetString(0));
        return users;
    }

    public async Task<DigestResult> SendAsync(ApiUser user, DateOnly day, CancellationToken ct)
    {
        var claim = Guid.NewGuid();
        var mailed = false;
        if (!await ClaimAsync(user.Id, day, claim, ct))
            return new DigestResult(user.Id, day, await IsDoneAsync(user.Id, day, ct) ? DigestOutcome.AlreadyDone : DigestOutcome.HeldElsewhere);
        try
        {
            var (after, since) = await StartOfAsync(user.Id, day, ct);
            var through = new FeedCursor(await HeadAsync(ct), long.MaxValue);
            var changes = await FollowedChanges.ForUserBetweenAsync(dataSource, user.Id, after, through, since, MaxChanges + 1, ct);
            if (changes.Count == 0)
            {
                await FinishAsync(user.Id, day, claim, "empty", null, 0, through, ct);
                return new DigestResult(user.Id, day, DigestOutcome.Empty);
            }
            var follows = await Watchlist.ListAsync(dataSource, user.Id, ct);
            var message = DigestMail.Compose(Settings, user, day, changes.Take(MaxChanges).ToList(), changes.Count > MaxChanges, follows);
            await MailAsync(message, ct);
            mailed = true;
            await FinishAsync(user.Id, day, claim, "sent", user.Email, Math.Min(changes.Count, MaxChanges), through, ct);
            logger.LogInformation("Digest of {User} for {Day} sent to {Email}: {Changes} changes", user.Id, day.ToString("yyyy-MM-dd"), user.Email, changes.Count);
            return new DigestResult(user.Id, day, DigestOutcome.Sent, Math.Min(changes.Count, MaxChanges));
        }
        catch
        {
            // Not mailed: whoever tries next may take the day at once, instead of when the lease runs out. Mailed but not
            // marked (the database failed): the lease keeps the next try off for as long as it can.
            if (!mailed) await ReleaseAsync(user.Id, day, claim);
            throw;
        }
    }

    /// <summary>Takes the day's claim: a new row, or a 'sending' row whose lease ran out (its sender died). The database's
    /// clock judges leases, so instances with clocks apart agree.</summary>
    private async Task<bool> ClaimAsync(string user, DateOnly day, Guid claim, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand($"""
            insert into {Table} as d (user_name, day, state, claim_id, claimed_at, lease_until)
            values (@u, @d, 'sending', @claim, now(), now() + @lease)
            on conflict (user_name, day) do update
                set claim_id = excluded.claim_id, claimed_at = excluded.claimed_at, lease_until = excluded.lease_until,
                    attempts = d.attempts + 1
                where d.state = 'sending' and d.lease_until < now()
            """);
        cmd.Parameters.AddWithValue("u", user);
        cmd.Parameters.AddWithValue("d", day);
        cmd.Parameters.AddWithValue("claim", claim);
        cmd.Parameters.AddWithValue("lease", Lease);
        return await cmd.ExecuteNonQueryAsync(ct) == 1;
    }

    private async Task<bool> IsDoneAsync(string user, DateOnly day, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand($"select state <> 'sending' from {Table} where user_name = @u and day = @d");
        cmd.Parameters.AddWithValue("u", user);
        cmd.Parameters.AddWithValue("d", day);
        return await cmd.ExecuteScalarAsync(ct) is true;
    }

    /// <summary>Where this digest starts: after the cursor the user's last finished digest read up to; for a first
    /// digest, the changes recorded in the day before it.</summary>
    private async Task<(FeedCursor After, DateTimeOffset? Since)> StartOfAsync(string user, DateOnly day, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand($"""
            select through_position, through_slot from {Table}
            where user_name = @u and day < @d and state <> 'sending' order by day desc limit 1
            """);
        cmd.Parameters.AddWithValue("u", user);
        cmd.Parameters.AddWithValue("d", day);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct)
            ? (new FeedCursor(reader.GetInt64(0), reader.GetInt64(1)), null)
            : (FeedCursor.Start, clock.GetUtcNow().AddDays(-1));
    }

    /// <summary>The latest chain position: every change at or before it has committed (positions follow commit order,
    /// <see cref="Feed"/>), so the next digest, starting after it, neither repeats nor misses one.</summary>
    private async Task<long> HeadAsync(CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand($"select coalesce(max(position), 0) from {TrackerHost.MartenSchema}.event_chain");
        return (long)(await cmd.ExecuteScalarAsync(ct))!;
    }

    private async Task MailAsync(MimeMessage message, CancellationToken ct)
    {
        using var smtp = new MailKit.Net.Smtp.SmtpClient { Timeout = (int)SmtpTimeout.TotalMilliseconds };
        await smtp.ConnectAsync(Settings.SmtpHost!, Settings.SmtpPort, Settings.SmtpSecurity, ct);
        if (!string.IsNullOrEmpty(Settings.SmtpUser)) await smtp.AuthenticateAsync(Settings.SmtpUser, Settings.SmtpPassword ?? "", ct);
        await smtp.SendAsync(message, ct);
        await smtp.DisconnectAsync(true, ct);
    }

    private async Task FinishAsync(string user, DateOnly day, Guid claim, string state, string? recipient, int changes, FeedCursor through,
        CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand($"""
            update {Table} set state = @state, sent_at = now(), recipient = @to, changes = @n, through_position = @p, through_slot = @s
            where user_name = @u and day = @d and claim_id = @claim
            """);
        cmd.Parameters.AddWithValue("state", state);
        cmd.Parameters.Add(new NpgsqlParameter("to", NpgsqlDbType.Text) { Value = (object?)recipient ?? DBNull.Value });
        cmd.Parameters.AddWithValue("n", changes);
        cmd.Parameters.AddWithValue("p", through.Position);
        cmd.Parameters.AddWithValue("s", through.Slot);
        cmd.Parameters.AddWithValue("u", user);
        cmd.Parameters.AddWithValue("d", day);
        cmd.Parameters.AddWithValue("claim", claim);
        if (await cmd.ExecuteNonQueryAsync(ct) == 0)
            logger.LogWarning("The digest of {User} for {Day} was {State} after its claim had run out and been taken again", user, day, state);
    }

    private async Task ReleaseAsync(string user, DateOnly day, Guid claim)
    {
        try
        {
            await using var cmd = dataSource.CreateCommand(
                $"update {Table} set lease_until = now() where user_name = @u and day = @d and claim_id = @claim and state = 'sending'");
            cmd.Parameters.AddWithValue("u", user);
            cmd.Parameters.AddWithValue("d", day);
            cmd.Parameters.AddWithValue("claim", claim);
            await cmd.ExecuteNonQueryAsync(CancellationToken.None);
        }
        catch (NpgsqlException e)
        {
            logger.LogWarning(e, "The claim on the digest of {User} for {Day} is left to run out", user, day);
        }
    }
}
