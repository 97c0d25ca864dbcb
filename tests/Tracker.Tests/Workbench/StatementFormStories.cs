using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Tracker.Tests.Support;

namespace Tracker.Tests.Workbench;

/// <summary>The statement form as analysts fill it: quantities, an archived copy, one field per row, on a desk and a phone.</summary>
public class StatementFormStories(Browser browser) : IClassFixture<Browser>
{
    private static readonly ViewportSize Desk = new() { Width = 1280, Height = 900 }, Phone = new() { Width = 390, Height = 844 };

    /// <summary>The README shows these: they are written into the repository's docs/screenshots as well.</summary>
    private static async Task PictureAsync(IPage page, string name)
    {
        await Browser.CheckAsync(page, name);
        await page.ScreenshotAsync(new() { Path = Path.Combine(TrackerProcess.RepositoryRoot, "docs", "screenshots", name + ".png"), FullPage = true });
    }

    private async Task<IPage> AgreementWithCommitmentsAsync(string id, string title)
    {
        var page = await browser.SignedInAsync("ana", Desk);
        await WorkbenchSteps.OpenAgreementAsync(browser, page, browser.Url, id, title);
        await WorkbenchSteps.AddCommitmentAsync(page, "air-defence", "Joint production of air defence", "air-defence");
        await WorkbenchSteps.AddCommitmentAsync(page, "drones", "Joint drone production in Ukraine", "drones");
        await WorkbenchSteps.AddCommitmentAsync(page, "training", "Training of Ukrainian pilots", "training");
        return page;
    }

    [Fact]
    public async Task a_statement_with_a_quantity_and_an_archived_copy_is_previewed_saved_and_shown()
    {
        var page = await AgreementWithCommitmentsAsync("ua-fr-drones", "Ukraine–France defence industry");
        // A company speaks: registered first (it is not one of the agreement's parties), then found from the form.
        await WorkbenchSteps.RegisterActorAsync(browser, page, "RENAULT", "company", "Renault Group", "FRA");
        await page.GotoAsync(browser.Url + "/agreements/ua-fr-drones/statements/new");
        (await FieldsSharingALineAsync(page)).ShouldBeEmpty();
        (await page.Locator("#quote").GetAttributeAsync("rows")).ShouldBe("6");
        var quoteRoom = await page.EvaluateAsync<double[]>("""
            () => { const q = document.querySelector('#quote'), probe = document.createElement('span');
                    probe.textContent = 'n'.repeat(60); probe.style.font = getComputedStyle(q).font; document.body.append(probe);
                    const need = probe.getBoundingClientRect().width; probe.remove(); return [q.clientWidth, need]; }
            """);
        quoteRoom[0].ShouldBeGreaterThanOrEqualTo(quoteRoom[1], "the quote box holds fewer than 60 characters a line");

        await page.Locator("#a0c").SelectOptionAsync("drones");
        await page.Locator("#a0s").SelectOptionAsync("signed");
        await page.Locator("#a0n").FillAsync("1500");
        await page.Locator("#a0u").FillAsync("drones a year");
        await page.Locator("#speaker").FillAsync("Renault spokesperson");
        await page.Locator("#role").FillAsync("spokesperson");
        await page.Locator("#actor").FillAsync("renault");
        await page.GetByRole(AriaRole.Button, new() { Name = "Find actor" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Choose RENAULT" }).ClickAsync();
        (await page.Locator("#actor").InputValueAsync()).ShouldBe("RENAULT");
        (await page.Locator("#a0n").InputValueAsync()).ShouldBe("1500");
        await page.Locator("#saidOn").FillAsync("2025-06-08");
        await page.Locator("#quote").FillAsync("Renault produira des drones en Ukraine avec un partenaire ukrainien, 1 500 par an.");
        await page.Locator("#language").FillAsync("fr");
        await page.Locator("#translation").FillAsync("Renault will produce drones in Ukraine with a Ukrainian partner, 1,500 a year.");
        await page.Locator("#outlet").FillAsync("Example Outlet");
        await page.Locator("#url").FillAsync("https://example.org/renault-drones");
        await page.Locator("#archiveUrl").FillAsync("https://web.archive.org/web/20250608/https://example.org/renault-drones");
        await page.GetByRole(AriaRole.Button, new() { Name = "Preview" }).ClickAsync();
        var preview = await page.Locator(".preview").InnerTextAsync();
        preview.ShouldContain("drones: none → signed; quantity 1500 drones a year");
        preview.ShouldContain("Source archived at https://web.archive.org/web/20250608/https://example.org/renault-drones");
        (await page.Locator("#a0n").InputValueAsync()).ShouldBe("1500");
        await PictureAsync(page, "log-statement");

        var phone = await browser.SignedInAsync("ana", Phone);
        await phone.GotoAsync(browser.Url + "/agreements/ua-fr-drones/statements/new");
        (await FieldsSharingALineAsync(phone)).ShouldBeEmpty();
        // The phone's picture shows the company found from the registry, its match listed under the field.
        await phone.Locator("#speaker").FillAsync("Renault spokesperson");
        await phone.Locator("#actor").FillAsync("renault");
        await phone.GetByRole(AriaRole.Button, new() { Name = "Find actor" }).ClickAsync();
        await phone.GetByRole(AriaRole.Button, new() { Name = "Choose RENAULT" }).WaitForAsync();
        (await FieldsSharingALineAsync(phone)).ShouldBeEmpty();
        await PictureAsync(phone, "log-statement-phone");

        await page.GetByRole(AriaRole.Button, new() { Name = "Save statement" }).ClickAsync();
        await page.WaitForURLAsync(new Regex("/agreements/ua-fr-drones\\?recorded="));
        await page.GotoAsync(browser.Url + "/agreements/ua-fr-drones/commitments/drones");
        (await page.Locator("dl.facts").InnerTextAsync()).ShouldContain("Pledged\n1500 drones a year");
        (await page.GetByRole(AriaRole.Link, new() { Name = "archived copy" }).GetAttributeAsync("href"))
            .ShouldBe("https://web.archive.org/web/20250608/https://example.org/renault-drones");
        await page.GotoAsync(browser.Url + "/actors/RENAULT");
        (await page.Locator("ol.hits").InnerTextAsync()).ShouldContain("Renault produira des drones en Ukraine");

        await page.GotoAsync(browser.Url + "/");
        (await page.Locator("table.commitments").InnerTextAsync()).ShouldContain("Joint drone production in Ukraine");
        await PictureAsync(page, "portfolio");
        await phone.GotoAsync(browser.Url + "/");
        (await WorkbenchSteps.WordsWiderThanTheirCellsAsync(phone)).ShouldBeEmpty();
        await PictureAsync(phone, "portfolio-phone");
    }

    [Fact]
    public async Task a_quantity_or_archive_url_filled_in_wrong_is_named_beside_its_field_and_stores_nothing()
    {
        var page = await AgreementWithCommitmentsAsync("bad-quantity", "A form filled in wrong");
        var before = await browser.EventCountAsync();
        await page.GotoAsync(browser.Url + "/agreements/bad-quantity/statements/new");
        await page.Locator("#a0c").SelectOptionAsync("drones");
        await page.Locator("#a0s").SelectOptionAsync("signed");
        await page.Locator("#a0n").FillAsync("forty");
        await page.Locator("#a0u").FillAsync("drones");
        await page.Locator("#a1c").SelectOptionAsync("training");
        await page.Locator("#a1s").SelectOptionAsync("announced");
        await page.Locator("#a1n").FillAsync("12");
        await page.Locator("#a2c").SelectOptionAsync("air-defence");
        await page.Locator("#a2s").SelectOptionAsync("raised");
        await page.Locator("#a2u").FillAsync("systems");
        await page.Locator("#speaker").FillAsync("Renault spokesperson");
        await page.Locator("#saidOn").FillAsync("2025-06-08");
        await page.Locator("#quote").FillAsync("Aucune décision n'a été prise.");
        await page.Locator("#language").FillAsync("fr");
        await page.Locator("#outlet").FillAsync("Example Outlet");
        await page.Locator("#archiveUrl").FillAsync("ftp://example.org/archived-copy");

        foreach (var button in new[] { "Preview", "Save statement" })
        {
            await page.GetByRole(AriaRole.Button, new() { Name = button }).ClickAsync();
            (await page.Locator("#a0n-error").InnerTextAsync()).ShouldContain("'forty' is not a number");
            (await page.Locator("#a1u-error").InnerTextAsync()).ShouldContain("required");
            (await page.Locator("#a2n-error").InnerTextAsync()).ShouldContain("is required when a unit");
            (await page.Locator("#archiveUrl-error").InnerTextAsync()).ShouldContain("http(s) URL");
            (await page.Locator("#a0n").InputValueAsync()).ShouldBe("forty");
            (await page.Locator(".preview").CountAsync()).ShouldBe(0);
        }
        await Browser.CheckAsync(page, "log-statement-quantity-errors");
        (await browser.EventCountAsync()).ShouldBe(before);
    }

    /// <summary>Form controls whose label is not directly above them, or that share a line with another control.</summary>
    private static Task<string[]> FieldsSharingALineAsync(IPage page) => page.EvaluateAsync<string[]>("""
        () => {
            const controls = [...document.querySelectorAll('form.statement-form :is(input:not([type=hidden]), select, textarea)')];
            const bad = [];
            controls.forEach((c, i) => {
                const box = c.getBoundingClientRect(), label = document.querySelector(`label[for="${c.id}"]`);
                if (!label) { bad.push(`${c.id} has no label`); return; }
                const l = label.getBoundingClientRect();
                if (l.bottom > box.top + 1 || Math.abs(l.left - box.left) > 2) bad.push(`${c.id}'s label is not above it`);
                const other = controls[i + 1]?.getBoundingClientRect();
                if (other && other.top < box.bottom) bad.push(`${c.id} shares a line with ${controls[i + 1].id}`);
            });
            return bad;
        }
        """);
}
