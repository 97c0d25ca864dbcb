using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Tracker.Tests.Workbench;

/// <summary>An analyst's day in the workbench, in a real browser; a reader's; and a form filled in wrong.</summary>
public class WorkbenchStories(Browser browser) : IClassFixture<Browser>
{
    private Task OpenAgreementAsync(IPage page, string url, string id) => WorkbenchSteps.OpenAgreementAsync(browser, page, url, id);

    private static Task AddCommitmentAsync(IPage page, string id, string title, string category) =>
        WorkbenchSteps.AddCommitmentAsync(page, id, title, category);

    private static async Task FillStatementAsync(IPage page, string commitment, string stage, string saidOn, string quote)
    {
        await page.Locator("#a0c").SelectOptionAsync(commitment);
        await page.Locator("#a0s").SelectOptionAsync(stage);
        await page.Locator("#speaker").FillAsync("Rustem Umerov");
        await page.Locator("#role").FillAsync("Minister of Defence");
        await page.Locator("#actor").FillAsync("UKR");
        await page.Locator("#saidOn").FillAsync(saidOn);
        await page.Locator("#quote").FillAsync(quote);
        await page.Locator("#language").FillAsync("de");
        await page.Locator("#translation").FillAsync("The sides agreed to examine joint production.");
        await page.Locator("#outlet").FillAsync("Example Outlet");
        await page.Locator("#url").FillAsync("https://example.org/article");
    }

    [Fact]
    public async Task an_analyst_opens_an_agreement_logs_statements_corrects_and_retracts_and_reads_the_portfolio()
    {
        var page = await browser.SignedInAsync("ana");
        var url = browser.Url;
        // The one stylesheet is served (a page without it is still usable, but not what analysts should get).
        (await page.APIRequest.GetAsync(url + "/workbench.css")).Status.ShouldBe(200);
        (await page.EvaluateAsync<string>("getComputedStyle(document.querySelector('header')).backgroundColor"))
            .ShouldBe("rgb(245, 247, 250)");
        await OpenAgreementAsync(page, url, "ua-fr-air");
        await AddCommitmentAsync(page, "air-defence", "Joint production of air defence", "air-defence");
        await AddCommitmentAsync(page, "drones", "Joint drone production", "drones");

        await page.GetByRole(AriaRole.Link, new() { Name = "Log a statement" }).ClickAsync();
        await FillStatementAsync(page, "air-defence", "under-examination", "2025-06-05", "Die Seiten vereinbarten, … zu prüfen.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Preview" }).ClickAsync();
        (await page.Locator(".preview").InnerTextAsync()).ShouldContain("air-defence: none → under-examination");
        await Browser.CheckAsync(page, "log-statement-preview");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save statement" }).ClickAsync();
        await page.WaitForURLAsync(new Regex("/agreements/ua-fr-air\\?recorded="));

        await page.GotoAsync(url + "/agreements/ua-fr-air/statements/new");
        await FillStatementAsync(page, "air-defence", "signed", "2025-07-01", "Wir haben unterzeichnet.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save statement" }).ClickAsync();
        await page.WaitForURLAsync(new Regex("recorded="));

        await page.GotoAsync(url + "/agreements/ua-fr-air/statements/new");
        await FillStatementAsync(page, "air-defence", "announced", "2025-07-15", "Es ist nur angekündigt.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Preview" }).ClickAsync();
        (await page.Locator(".preview").InnerTextAsync()).ShouldContain("becomes contested");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save statement" }).ClickAsync();
        await page.WaitForURLAsync(new Regex("recorded="));
        await Browser.CheckAsync(page, "agreement");

        await page.GetByRole(AriaRole.Link, new() { Name = "Joint production of air defence" }).ClickAsync();
        (await page.Locator("dl.facts").InnerTextAsync()).ShouldContain("yes, by:");
        (await page.Locator(".history").InnerTextAsync()).ShouldContain("Wir haben unterzeichnet.");
        await Browser.CheckAsync(page, "commitment");
        (await WorkbenchSteps.TimelineLabelsOutsideAsync(page)).ShouldBeEmpty();

        // Correct the first statement's quote, then retract the third: the contest goes with it.
        var first = page.Locator("li.statement").Filter(new() { HasText = "zu prüfen" });
        await first.Locator("summary").ClickAsync();
        await first.GetByLabel("Quote (unchanged if empty)").FillAsync("Die Seiten vereinbarten, die gemeinsame Produktion zu prüfen.");
        await first.GetByLabel("Reason for the correction").FillAsync("quote completed from the source");
        await first.GetByRole(AriaRole.Button, new() { Name = "Correct" }).ClickAsync();
        (await page.Locator(".history").InnerTextAsync()).ShouldContain("quote completed from the source");
        var third = page.Locator("li.statement").Filter(new() { HasText = "nur angekündigt" });
        await third.Locator("summary").ClickAsync();
        await third.GetByLabel("Reason for the retraction").FillAsync("misattributed");
        await third.GetByRole(AriaRole.Button, new() { Name = "Retract" }).ClickAsync();
        (await page.Locator("dl.facts").InnerTextAsync()).ShouldContain("Contested\nno");

        // The past: as of June, the commitment was under examination.
        await page.GetByLabel("As of (said by)").FillAsync("2025-06-30");
        await page.GetByRole(AriaRole.Button, new() { Name = "Show" }).ClickAsync();
        (await page.Locator("dl.facts").InnerTextAsync()).ShouldContain("under-examination");

        await page.GotoAsync(url + "/");
        await page.GetByLabel("Stage", new() { Exact = true }).SelectOptionAsync("signed");
        await page.GetByRole(AriaRole.Button, new() { Name = "Show" }).ClickAsync();
        (await page.Locator("table.commitments").InnerTextAsync()).ShouldContain("Joint production of air defence");
        (await page.Locator("table.commitments").InnerTextAsync()).ShouldNotContain("Joint drone production");
        await Browser.CheckAsync(page, "portfolio");
        var href = await page.GetByRole(AriaRole.Link, new() { Name = "CSV" }).GetAttributeAsync("href");
        var response = await page.APIRequest.GetAsync(browser.Url + href);
        response.Status.ShouldBe(200, await response.TextAsync());
        response.Headers["content-disposition"].ShouldStartWith("attachment");
        var csv = await response.TextAsync();
        csv.ShouldContain("ua-fr-air");
        csv.ShouldContain("air-defence");
        csv.ShouldNotContain("drones");

        // Who said it: the speaker filter keeps what Umerov spoke of, and nobody else's name matches anything here.
        await page.GotoAsync(url + "/");
        await page.GetByLabel("Speaker", new() { Exact = true }).FillAsync("umerov");
        await page.GetByRole(AriaRole.Button, new() { Name = "Show" }).ClickAsync();
        (await page.Locator("table.commitments").InnerTextAsync()).ShouldContain("Joint production of air defence");
        await page.GetByLabel("Speaker", new() { Exact = true }).FillAsync("Hegseth");
        await page.GetByRole(AriaRole.Button, new() { Name = "Show" }).ClickAsync();
        (await page.Locator("table.commitments tbody tr").CountAsync()).ShouldBe(0);

        // And the auditor's view of the day: every write, by whom (the trail is projected in the background).
        string audit = "";
        for (var attempt = 0; attempt < 50 && !audit.Contains("statement retracted"); attempt++)
        {
            await page.GotoAsync(url + "/audit?user=ana&agreement=ua-fr-air");
            audit = await page.Locator("main").InnerTextAsync();
            if (!audit.Contains("statement retracted")) await Task.Delay(200);
        }
        audit.ShouldContain("agreement opened");
        audit.ShouldContain("statement corrected");
        audit.ShouldContain("misattributed");
        await Browser.CheckAsync(page, "audit");

        // Find the signing again by a word of its quote, whatever its case.
        await page.GetByRole(AriaRole.Link, new() { Name = "Search" }).ClickAsync();
        await page.GetByLabel("Words in a quote, translation, speaker or outlet").FillAsync("UNTERZEICHNET");
        await page.GetByRole(AriaRole.Button, new() { Name = "Search", Exact = true }).ClickAsync();
        (await page.GetByRole(AriaRole.Status).InnerTextAsync()).ShouldContain("1 statement matches");
        (await page.Locator(".hit mark").First.InnerTextAsync()).ShouldBe("unterzeichnet");
        await page.Locator(".hit").GetByRole(AriaRole.Link, new() { Name = "air-defence" }).ClickAsync();
        await page.WaitForURLAsync(url + "/agreements/ua-fr-air/commitments/air-defence");
        await page.GoBackAsync();
        await Browser.CheckAsync(page, "search");
    }

    [Theory]
    [InlineData(320, "a phone, or 400 % zoom of a 1280-pixel window")]
    [InlineData(390, "a phone")]
    [InlineData(640, "200 % zoom of a 1280-pixel window")]
    public async Task every_page_reads_without_scrolling_sideways(int width, string meaning)
    {
        var setup = await browser.SignedInAsync("ana");
        var id = $"narrow-{width}";
        await OpenAgreementAsync(setup, browser.Url, id);
        await AddCommitmentAsync(setup, "air-defence", "Joint production of air defence", "air-defence");
        await setup.GotoAsync(browser.Url + $"/agreements/{id}/statements/new");
        await FillStatementAsync(setup, "air-defence", "announced", "2025-06-05", "Ein Zitat, das lang genug ist, um umzubrechen, wenn der Bildschirm schmal ist.");
        await setup.GetByRole(AriaRole.Button, new() { Name = "Save statement" }).ClickAsync();
        await setup.WaitForURLAsync(new Regex("recorded="));
        // The registry's pages too (registering the same person again with the same details is fine).
        var person = await WorkbenchSteps.RegisterPersonAsync(browser, setup, "Rustem Umerov", "Minister of Defence", "UKR", "2023-09-06");

        var page = await browser.SignedInAsync("ana", new ViewportSize { Width = width, Height = 800 });
        foreach (var path in new[] { "/", $"/agreements/{id}", $"/agreements/{id}/commitments/air-defence",
                     $"/agreements/{id}/statements/new", "/agreements/new", "/changes", "/audit", "/search?q=Zitat",
                     "/actors?q=u", "/actors/UKR", "/people?q=umerov", person })
        {
            await page.GotoAsync(browser.Url + path);
            // Wide tables may scroll inside their own box; the page itself must not.
            var overflow = await page.EvaluateAsync<int>("document.documentElement.scrollWidth - window.innerWidth");
            var culprits = overflow <= 0 ? "" : await page.EvaluateAsync<string>(
                "[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > window.innerWidth + 1).slice(0, 5).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right)).join(', ')");
            overflow.ShouldBeLessThanOrEqualTo(0, $"{path} is {overflow} px wider than {width} px ({meaning}): {culprits}");
            var smallest = await page.EvaluateAsync<double>(
                "Math.min(...[...document.querySelectorAll('main *')].filter(e => e.childNodes.length && [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim())).map(e => parseFloat(getComputedStyle(e).fontSize)))");
            smallest.ShouldBeGreaterThanOrEqualTo(12, $"{path}: text at {smallest} px");
            (await WorkbenchSteps.WordsWiderThanTheirCellsAsync(page)).ShouldBeEmpty($"{path} at {width} px ({meaning})");
        }
        await page.GotoAsync(browser.Url + $"/agreements/{id}/commitments/air-defence");
        await Browser.CheckAsync(page, $"commitment-{width}px");
    }

    /// <summary>What every workbench page says a browser may do with it: run no inline script, take scripts, styles and
    /// images from this site's files only, submit forms only here, never be framed, and resolve no link against a
    /// planted base.</summary>
    private const string Policy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    [Fact]
    public async Task every_page_forbids_what_it_does_not_use_and_the_browser_finds_nothing_it_had_to_block()
    {
        var setup = await browser.SignedInAsync("ana");
        await OpenAgreementAsync(setup, browser.Url, "strict");
        await AddCommitmentAsync(setup, "air-defence", "Joint production of air defence", "air-defence");
        await setup.GotoAsync(browser.Url + "/agreements/strict/statements/new");
        await FillStatementAsync(setup, "air-defence", "announced", "2025-06-05", "Wir prüfen die gemeinsame Produktion.");
        await setup.GetByRole(AriaRole.Button, new() { Name = "Save statement" }).ClickAsync();
        await setup.WaitForURLAsync(new Regex("recorded="));

        // Whatever the browser refuses under the policy, or fails to load (a missing icon), it reports on the console.
        var complaints = new List<string>();
        var context = await browser.Chromium.NewContextAsync();
        context.SetDefaultTimeout(90_000);
        await context.AddInitScriptAsync("""
            document.addEventListener('securitypolicyviolation',
              e => console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || 'inline code'}`));
            """);
        var page = await context.NewPageAsync();
        page.Console += (_, m) => { if (m.Type == "error") complaints.Add($"{page.Url}: {m.Text}"); };
        page.PageError += (_, e) => complaints.Add($"{page.Url}: {e}");

        async Task ShouldBeStrictAsync(IResponse? response, string name)
        {
            response.ShouldNotBeNull(name);
            var headers = await response.AllHeadersAsync();
            headers["content-security-policy"].ShouldBe(Policy, name);
            headers["x-frame-options"].ShouldBe("DENY", name);
            headers["x-content-type-options"].ShouldBe("nosniff", name);
            headers["referrer-policy"].ShouldBe("same-origin", name);
            // The icon every page names is there (a browser asks for it on each page).
            var icon = await page.Locator("link[rel=icon]").GetAttributeAsync("href");
            icon.ShouldNotBeNull(name);
            var fetched = await page.APIRequest.GetAsync(browser.Url + icon);
            fetched.Status.ShouldBe(200, name);
            fetched.Headers["content-type"].ShouldStartWith("image/svg+xml");
        }

        await ShouldBeStrictAsync(await page.GotoAsync(browser.Url + "/signin"), "sign-in");
        await page.GetByLabel("User name").FillAsync("ana");
        await page.GetByLabel("Token").FillAsync(browser.Tokens["ana"]);
        var signedIn = page.WaitForResponseAsync(r => r.Url == browser.Url + "/");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await ShouldBeStrictAsync(await signedIn, "portfolio");
        await Browser.CheckAsync(page, "portfolio-strict");
        foreach (var path in new[] { "/agreements/strict", "/agreements/strict/commitments/air-defence", "/agreements/strict/statements/new",
                     "/agreements/new", "/changes", "/audit", "/search?q=Produktion", "/actors", "/actors/UKR", "/people" })
            await ShouldBeStrictAsync(await page.GotoAsync(browser.Url + path), path);
        await Browser.CheckAsync(page, "search-strict");

        // A page answering a form: the preview.
        await page.GotoAsync(browser.Url + "/agreements/strict/statements/new");
        await FillStatementAsync(page, "air-defence", "signed", "2025-07-01", "Wir haben unterzeichnet.");
        var previewed = page.WaitForResponseAsync(r => r.Request.Method == "POST");
        await page.GetByRole(AriaRole.Button, new() { Name = "Preview" }).ClickAsync();
        await ShouldBeStrictAsync(await previewed, "preview");
        (await page.Locator(".preview").InnerTextAsync()).ShouldContain("air-defence: announced → signed");

        // The totals' bars are drawn without a style attribute the policy would refuse, and still drawn.
        await page.GotoAsync(browser.Url + "/");
        (await page.EvaluateAsync<double>("Math.max(...[...document.querySelectorAll('table.totals .share rect')].map(r => r.getBoundingClientRect().width))"))
            .ShouldBeGreaterThan(0);
        complaints.Distinct().ToList().ShouldBeEmpty();
        await context.CloseAsync();
    }

    [Fact]
    public async Task a_revoked_user_is_signed_out_on_their_next_request()
    {
        var page = await browser.SignedInAsync("vic");
        (await page.Locator("header").InnerTextAsync()).ShouldContain("vic");
        var revoked = await browser.RunAsync("users", "revoke", "vic");
        revoked.ExitCode.ShouldBe(0, revoked.ToString());
        await Task.Delay(TimeSpan.FromSeconds(1.5)); // tokens are remembered for at most a second

        await page.GotoAsync(browser.Url + "/");
        page.Url.ShouldStartWith(browser.Url + "/signin");
    }

    [Fact]
    public async Task a_reader_follows_a_commitment_and_the_following_page_shows_its_change_with_the_quote()
    {
        var ana = await browser.SignedInAsync("ana");
        await OpenAgreementAsync(ana, browser.Url, "follow-view");
        await AddCommitmentAsync(ana, "air-defence", "Joint production of air defence", "air-defence");

        var rita = await browser.SignedInAsync("rita");
        await rita.GotoAsync(browser.Url + "/agreements/follow-view/commitments/air-defence");
        await rita.GetByRole(AriaRole.Button, new() { Name = "Follow", Exact = true }).ClickAsync();
        await rita.WaitForURLAsync(new Regex("/agreements/follow-view/commitments/air-defence$"));

        await ana.GotoAsync(browser.Url + "/agreements/follow-view/statements/new");
        await FillStatementAsync(ana, "air-defence", "announced", "2025-07-15", "Die Produktion ist angekündigt.");
        await ana.GetByRole(AriaRole.Button, new() { Name = "Save statement" }).ClickAsync();
        await ana.WaitForURLAsync(new Regex("recorded="));

        await rita.GetByRole(AriaRole.Link, new() { Name = "Following" }).ClickAsync();
        var row = rita.Locator("tr", new() { HasText = "air-defence: none → announced" });
        (await row.InnerTextAsync()).ShouldContain("Die Produktion ist angekündigt.");
        (await rita.Locator("li", new() { HasText = "commitment air-defence" }).CountAsync()).ShouldBe(1);
        await rita.GetByRole(AriaRole.Button, new() { Name = "Issue a feed key" }).ClickAsync();
        var feedUrl = await rita.Locator("#feed-url").InnerTextAsync();
        var atom = await rita.APIRequest.GetAsync(feedUrl);
        atom.Status.ShouldBe(200);
        (await atom.TextAsync()).ShouldContain("Die Produktion ist angekündigt.");
        await Browser.CheckAsync(rita, "following");
    }

    [Fact]
    public async Task a_reader_sees_no_write_controls_and_a_forged_write_is_refused_and_stores_nothing()
    {
        var ana = await browser.SignedInAsync("ana");
        await OpenAgreementAsync(ana, browser.Url, "reader-view");
        await AddCommitmentAsync(ana, "c1", "First commitment", "drones");

        var page = await browser.SignedInAsync("rita");
        await page.GotoAsync(browser.Url + "/agreements/reader-view");
        (await page.GetByRole(AriaRole.Link, new() { Name = "Log a statement" }).CountAsync()).ShouldBe(0);
        (await page.Locator("form[method=post]").CountAsync()).ShouldBe(2); // sign out, and Follow (following is reading)
        (await page.GetByRole(AriaRole.Button, new() { Name = "Follow", Exact = true }).CountAsync()).ShouldBe(1);
        await Browser.CheckAsync(page, "agreement-as-reader");
        foreach (var registry in new[] { "/actors", "/people" })
        {
            await page.GotoAsync(browser.Url + registry);
            (await page.Locator("form[method=post]").CountAsync()).ShouldBe(1, $"{registry} offers a reader a register form");
        }

        var before = await browser.EventCountAsync();
        var token = await page.Locator("form.signout input[name=__RequestVerificationToken]").GetAttributeAsync("value");
        var forged = await page.APIRequest.PostAsync(browser.Url + "/agreements/reader-view", new()
        {
            Form = page.APIRequest.CreateFormData().Set("__RequestVerificationToken", token!)
                .Set("commitmentId", "forged").Set("title", "Forged").Set("category", "drones"),
            MaxRedirects = 0,
        });
        forged.Status.ShouldBe(403);
        var statement = await page.APIRequest.GetAsync(browser.Url + "/agreements/reader-view/statements/new", new() { MaxRedirects = 0 });
        statement.Status.ShouldBe(403);
        var actor = await page.APIRequest.PostAsync(browser.Url + "/actors", new()
        {
            Form = page.APIRequest.CreateFormData().Set("__RequestVerificationToken", token!)
                .Set("Form.ActorId", "FORGED").Set("Form.Kind", "company").Set("Form.Name", "Forged"),
            MaxRedirects = 0,
        });
        actor.Status.ShouldBe(403);
        (await browser.EventCountAsync()).ShouldBe(before);
    }

    [Fact]
    public async Task a_statement_filled_in_wrong_shows_each_error_beside_its_field_and_stores_nothing()
    {
        var page = await browser.SignedInAsync("ana");
        await OpenAgreementAsync(page, browser.Url, "bad-form");
        await AddCommitmentAsync(page, "c1", "First commitment", "drones");
        var before = await browser.EventCountAsync();

        await page.GotoAsync(browser.Url + "/agreements/bad-form/statements/new");
        await FillStatementAsync(page, "c1", "raised", "2025-13", "");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save statement" }).ClickAsync();

        (await page.Locator("#saidOn-error").InnerTextAsync()).ShouldNotBeNullOrWhiteSpace();
        (await page.Locator("#quote-error").InnerTextAsync()).ShouldNotBeNullOrWhiteSpace();
        (await page.Locator("#speaker").InputValueAsync()).ShouldBe("Rustem Umerov");
        await Browser.CheckAsync(page, "log-statement-errors");
        (await browser.EventCountAsync()).ShouldBe(before);
    }

    [Fact]
    public async Task an_analyst_sees_a_dead_letter_on_the_webhooks_page_and_retries_it()
    {
        // A subscription and its dead letter as the dispatcher and a sender leave them; the target is loopback, which this
        // service (private targets not allowed) refuses before connecting, so the retry is an attempt that goes nowhere.
        await using (var conn = new Npgsql.NpgsqlConnection(browser.Database))
        {
            await conn.OpenAsync();
            await using var cmd = new Npgsql.NpgsqlCommand("""
                with s as (
                    insert into tracker.webhook_subscriptions (id, user_name, url, agreement_id, events, secret, created_at, from_position)
                    values (gen_random_uuid(), 'ana', 'http://127.0.0.1:9/desk', 'desk-agreement', array['status-changed'], 'x', now(), 0)
                    returning id)
                insert into tracker.webhook_deliveries (subscription_id, seq_id, slot, position, created_at, window_from, next_attempt_at,
                    attempts, dead_at, last_status, last_error)
                select s.id, 0, 1, 0, now() - interval '27 hours', now() - interval '27 hours', now(), 36, now(), 503, 'answered 503'
                from s
                """, conn);
            await cmd.ExecuteNonQueryAsync();
        }
        var page = await browser.SignedInAsync("ana");
        await page.GetByRole(AriaRole.Link, new() { Name = "Webhooks" }).ClickAsync();
        await page.WaitForURLAsync(new Regex("/subscriptions$"));
        (await page.Locator("table[aria-labelledby=subscriptions]").InnerTextAsync()).ShouldContain("http://127.0.0.1:9/desk");
        (await page.Locator("table[aria-labelledby=dead]").InnerTextAsync()).ShouldContain("answered 503");
        await Browser.CheckAsync(page, "webhooks");

        await page.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("^Retry delivery") }).ClickAsync();
        await page.WaitForURLAsync(new Regex("retried="));
        (await page.Locator("[role=status]").First.InnerTextAsync()).ShouldContain("due again");

        var rita = await browser.SignedInAsync("rita");
        (await rita.GetByRole(AriaRole.Link, new() { Name = "Webhooks" }).CountAsync()).ShouldBe(0);
        (await rita.APIRequest.GetAsync(browser.Url + "/subscriptions", new() { MaxRedirects = 0 })).Status.ShouldBe(403);
    }
}
