using System.Globalization;
using Npgsql;
using Tracker.Tests.Support;

namespace Tracker.Tests.Following;

/// <summary>
/// A desk that follows an agreement gets one mail a day with what changed since the last one: each change with the
/// quote that caused it and a link to its page, sent through SMTP (a listener on 127.0.0.1 here), never twice a day —
/// whoever sends it (the verb, the schedule of another instance), and also after a sender died holding the day.
/// </summary>
[Collection(AppCollection.Name)]
public class DigestStories(TrackerApp app)
{
    private const string AirDefence = "air-defence-joint-production";
    private const string Workbench = "https://tracker.example.org";
    private readonly Api _analyst = new(app);

    private static IEnumerable<(string, string)> Settings(SmtpListener smtp) => Settings(smtp.Port);

    private static IEnumerable<(string, string)> Settings(int smtpPort) =>
    [
        ("Tracker:Digest:SmtpHost", "127.0.0.1"), ("Tracker:Digest:SmtpPort", smtpPort.ToString(CultureInfo.InvariantCulture)),
        ("Tracker:Digest:From", "tracker@example.org"), ("Tracker:Digest:WorkbenchUrl", Workbench + "/"),
    ];

    private Task<TrackerProcess.Result> Tracker(SmtpListener? smtp, params string[] args) => Tracker(smtp?.Port, args);

    private Task<TrackerProcess.Result> Tracker(int? smtpPort, params string[] args)
    {
        var env = new Dictionary<string, string?> { ["TRACKER_DB"] = app.ConnectionString };
        foreach (var (key, value) in smtpPort is { } port ? Settings(port) : []) env[key.Replace(":", "__")] = value;
        return TrackerProcess.RunAsync(env, args);
    }

    /// <summary>A reader of their own with an email address, set as an operator sets it, following a new agreement.</summary>
    private async Task<(string Name, string Email, string AgreementId)> NewDesk()
    {
        var name = "digest-" + Guid.NewGuid().ToString("N")[..8];
        var token = (await _analyst.As(app.AdminToken).Post("/api/users", new { name, role = "reader" }))["token"]!.ToString();
        var email = $"{name}@desk.example.org";
        var set = await Tracker((SmtpListener?)null, "users", "email", name, email);
        set.ExitCode.ShouldBe(0, set.ToString());
        var id = "dg-" + Guid.NewGuid().ToString("N")[..10];
        await _analyst.Open(id, AirDefence);
        await _analyst.As(token).Post("/api/watchlist", new { agreement = id, commitment = AirDefence });
        return (name, email, id);
    }

    private async Task<T> Sql<T>(string sql, params (string, object)[] parameters)
    {
        await using var conn = new NpgsqlConnection(app.ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        foreach (var (name, value) in parameters) cmd.Parameters.AddWithValue(name, value);
        return (T)(await cmd.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task a_desk_gets_the_changes_with_their_quotes_and_links_once_a_day_and_the_next_digest_starts_where_it_ended()
    {
        var (name, email, id) = await NewDesk();
        await _analyst.Record(id, Api.Statement(AirDefence, "under-examination", saidOn: "2025-06"));
        var quote = "Les parties ont annoncé la production conjointe " + Guid.NewGuid().ToString("N");
        await _analyst.Record(id, Api.Statement(AirDefence, "announced", saidOn: "2025-09-02", quote: quote));
        await using var smtp = new SmtpListener();

        var sent = await Tracker(smtp, "digest", "send", "--user", name);

        sent.ExitCode.ShouldBe(0, sent.ToString());
        sent.Output.ShouldContain($"{name}: sent (2 changes)", Case.Sensitive, "the two status changes of the commitment followed");
        var mail = smtp.To(email).ShouldHaveSingleItem();
        mail.From.Mailboxes.Single().Address.ShouldBe("tracker@example.org");
        mail.Subject!.ShouldContain("2 changes to what you follow");
        var text = mail.TextBody!;
        var newest = text.IndexOf($"* {AirDefence}: under-examination → announced", StringComparison.Ordinal);
        newest.ShouldBeGreaterThan(0, text);
        text.IndexOf(quote, StringComparison.Ordinal).ShouldBeGreaterThan(newest);
        text.IndexOf($"* {AirDefence}: none → under-examination", StringComparison.Ordinal).ShouldBeGreaterThan(newest, "newest first");
        text.ShouldContain($"{Workbench}/agreements/{id}/commitments/{AirDefence}\n");
        text.ShouldContain($"- agreement {id}, commitment {AirDefence}");
        text.ShouldContain($"{Workbench}/following");

        var again = await Tracker(smtp, "digest", "send", "--user", name);
        again.ExitCode.ShouldBe(0, again.ToString());
        again.Output.ShouldContain($"{name}: sent already");
        smtp.To(email).Count.ShouldBe(1, "a second run the same day sends nothing");

        // The next day's digest tells only what changed after the last one read up to.
        var later = "Les parties ont signé " + Guid.NewGuid().ToString("N");
        await _analyst.Record(id, Api.Statement(AirDefence, "signed", saidOn: "2025-10-01", quote: later));
        await Sql<int>("update tracker.digests set day = day - 1 where user_name = @u returning 1", ("u", name));
        var nextDay = await Tracker(smtp, "digest", "send", "--user", name);
        nextDay.ExitCode.ShouldBe(0, nextDay.ToString());
        var next = smtp.To(email)[1].TextBody!;
        next.ShouldContain($"* {AirDefence}: announced → signed");
        next.ShouldContain(later);
        next.ShouldNotContain(quote);
        next.ShouldNotContain("under-examination →");
    }

    [Fact]
    public async Task a_day_another_sender_holds_is_left_to_it_and_taken_over_once_its_lease_has_run_out()
    {
        var (name, email, id) = await NewDesk();
        await _analyst.Record(id, Api.Statement(AirDefence, "announced", saidOn: "2025-09-02"));
        await using var smtp = new SmtpListener();
        // As a sender leaves the day when it is killed after claiming it and before mailing.
        await Sql<int>("""
            insert into tracker.digests (user_name, day, state, claim_id, claimed_at, lease_until)
            values (@u, (now() at time zone 'utc')::date, 'sending', gen_random_uuid(), now(), now() + interval '5 minutes') returning 1
            """, ("u", name));

        var held = await Tracker(smtp, "digest", "send", "--user", name);

        held.ExitCode.ShouldBe(0, held.ToString());
        held.Output.ShouldContain($"{name}: being sent by another instance");
        smtp.To(email).ShouldBeEmpty();

        await Sql<int>("update tracker.digests set lease_until = now() - interval '1 second' where user_name = @u returning 1", ("u", name));
        var retried = await Tracker(smtp, "digest", "send", "--user", name);

        retried.ExitCode.ShouldBe(0, retried.ToString());
        smtp.To(email).ShouldHaveSingleItem().TextBody!.ShouldContain($"{AirDefence}: none → announced");
        (await Sql<int>("select attempts from tracker.digests where user_name = @u and state = 'sent'", ("u", name))).ShouldBe(2);
    }

    [Fact]
    public async Task a_digest_the_smtp_server_refused_is_sent_by_the_next_run_the_same_day()
    {
        var (name, email, id) = await NewDesk();
        await _analyst.Record(id, Api.Statement(AirDefence, "raised", saidOn: "2025-09-02"));
        var down = new SmtpListener();
        var port = down.Port;
        await down.DisposeAsync();

        var failed = await Tracker(port, "digest", "send", "--user", name);

        failed.ExitCode.ShouldNotBe(0, failed.ToString());
        failed.Error.ShouldContain($"{name}: not sent");
        await using var smtp = new SmtpListener();
        var retried = await Tracker(smtp, "digest", "send", "--user", name);
        retried.ExitCode.ShouldBe(0, retried.ToString());
        smtp.To(email).ShouldHaveSingleItem().TextBody!.ShouldContain($"{AirDefence}: none → raised");
    }

    [Fact]
    public async Task the_schedule_of_another_instance_and_the_verb_at_the_same_time_send_one_mail()
    {
        var (name, email, id) = await NewDesk();
        await _analyst.Record(id, Api.Statement(AirDefence, "signed", saidOn: "2025-09-02"));
        await using var smtp = new SmtpListener();

        var verb = Tracker(smtp, "digest", "send", "--user", name);
        await using var scheduled = await TrackerApp.StartAsync(app.ConnectionString,
            [.. Settings(smtp), ("Tracker:Digest:Enabled", "true"), ("Tracker:Digest:SendHourUtc", "0")]);
        var run = await verb;
        run.ExitCode.ShouldBe(0, run.ToString());
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (await Sql<string?>("select state from tracker.digests where user_name = @u", ("u", name)) is not "sent"
               && waited.Elapsed < TimeSpan.FromSeconds(30))
            await Task.Delay(200);

        smtp.To(email).ShouldHaveSingleItem().TextBody!.ShouldContain($"{AirDefence}: none → signed");
        (await Tracker(smtp, "digest", "send")).ExitCode.ShouldBe(0);
        smtp.To(email).Count.ShouldBe(1);
    }

    [Fact]
    public async Task a_bad_address_or_missing_settings_are_refused_naming_them()
    {
        var (name, _, _) = await NewDesk();

        var address = await Tracker((SmtpListener?)null, "users", "email", name, "Someone <not an address>");
        var settings = await Tracker((SmtpListener?)null, "digest", "send", "--user", name);
        await using var smtp = new SmtpListener();
        var unknown = await Tracker(smtp, "digest", "send", "--user", "nobody-" + name);

        address.ExitCode.ShouldNotBe(0);
        address.Error.ShouldContain("is not an email address");
        settings.ExitCode.ShouldNotBe(0);
        settings.Error.ShouldContain("Tracker:Digest:SmtpHost");
        settings.Error.ShouldContain("Tracker:Digest:WorkbenchUrl");
        unknown.ExitCode.ShouldNotBe(0);
        unknown.Error.ShouldContain("--user");
    }
}
