using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Tracker.Tests.Workbench;

/// <summary>Four-eyes review in a real browser: A logs a statement and signs out; B signs in, finds it in the queue with
/// what it would change, approves it; the portfolio moves.</summary>
public class ReviewPageStories(Browser browser) : IClassFixture<Browser>
{
    [Fact]
    public async Task A_logs_a_statement_signs_out_B_approves_it_from_the_queue_and_the_portfolio_moves()
    {
        const string id = "ua-fr-reviewed";
        var body = Path.Combine(Path.GetTempPath(), $"review-open-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(body, $$"""
            { "agreementId": "{{id}}", "title": "Ukraine–France air defence, reviewed", "parties": ["UKR", "FRA"], "review": "required" }
            """, new UTF8Encoding(false));
        var opened = await browser.RunAsync("open", "--file", body, "--user", "ana");
        opened.ExitCode.ShouldBe(0, opened.ToString());

        var a = await browser.SignedInAsync("ana");
        var url = browser.Url;
        await a.GotoAsync($"{url}/agreements/{id}");
        await WorkbenchSteps.AddCommitmentAsync(a, "air-defence", "Joint production of air defence", "air-defence");
        await a.GetByRole(AriaRole.Link, new() { Name = "Log a statement" }).ClickAsync();
        await a.Locator("#a0c").SelectOptionAsync("air-defence");
        await a.Locator("#a0s").SelectOptionAsync("signed");
        await a.Locator("#speaker").FillAsync("Rustem Umerov");
        await a.Locator("#actor").FillAsync("UKR");
        await a.Locator("#saidOn").FillAsync("2025-07-01");
        await a.Locator("#quote").FillAsync("Wir haben unterzeichnet.");
        await a.Locator("#language").FillAsync("de");
        await a.Locator("#outlet").FillAsync("Example Outlet");
        await a.Locator("#url").FillAsync("https://example.org/signed");
        await a.GetByRole(AriaRole.Button, new() { Name = "Preview" }).ClickAsync();
        var preview = await a.Locator(".preview").InnerTextAsync();
        preview.ShouldContain("Review is required");
        preview.ShouldContain("air-defence: none → signed");
        await a.GetByRole(AriaRole.Button, new() { Name = "Save statement" }).ClickAsync();
        await a.WaitForURLAsync(new Regex($"/agreements/{id}\\?recorded="), new() { WaitUntil = WaitUntilState.Commit });
        (await a.Locator("main").InnerTextAsync()).ShouldContain("awaiting review");
        (await a.Locator("table.commitments").InnerTextAsync()).ShouldNotContain("signed");
        await a.GotoAsync($"{url}/agreements/{id}/commitments/air-defence");
        (await a.Locator("ul.proposals").InnerTextAsync()).ShouldContain("awaiting review");
        // A sees their own proposal in the queue, but no buttons to decide it.
        await a.GotoAsync($"{url}/review?agreement={id}");
        (await a.Locator("article.proposal").InnerTextAsync()).ShouldContain("Your own proposal");
        (await a.GetByRole(AriaRole.Button, new() { Name = "Approve" }).CountAsync()).ShouldBe(0);
        await a.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await a.WaitForURLAsync(new Regex("/signin"), new() { WaitUntil = WaitUntilState.Commit });

        var b = await browser.SignedInAsync("vic");
        await b.GetByRole(AriaRole.Link, new() { Name = "Review", Exact = true }).ClickAsync();
        await b.WaitForURLAsync(url + "/review", new() { WaitUntil = WaitUntilState.Commit });
        var proposal = b.Locator("article.proposal").Filter(new() { HasText = "Wir haben unterzeichnet." });
        var shown = await proposal.InnerTextAsync();
        shown.ShouldContain("Proposed by ana");
        shown.ShouldContain("air-defence: none → signed");
        (await proposal.GetByRole(AriaRole.Link, new() { Name = "Example Outlet" }).GetAttributeAsync("href")).ShouldBe("https://example.org/signed");
        await Browser.CheckAsync(b, "review-queue");
        await proposal.GetByRole(AriaRole.Button, new() { Name = "Approve" }).ClickAsync();
        await b.WaitForURLAsync(new Regex("/review\\?decided="), new() { WaitUntil = WaitUntilState.Commit });
        (await b.GetByRole(AriaRole.Status).InnerTextAsync()).ShouldContain("approve");

        await b.GotoAsync(url + "/");
        await b.GetByLabel("Stage", new() { Exact = true }).SelectOptionAsync("signed");
        await b.GetByRole(AriaRole.Button, new() { Name = "Show" }).ClickAsync();
        (await b.Locator("table.commitments").InnerTextAsync()).ShouldContain("Joint production of air defence");
        File.Delete(body);
    }
}
