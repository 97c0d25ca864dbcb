using Microsoft.Playwright;

namespace Tracker.Tests.Workbench;

/// <summary>What several browser stories do the same way, and what they measure on a page.</summary>
public static class WorkbenchSteps
{
    public static async Task OpenAgreementAsync(Browser browser, IPage page, string url, string id, string title = "Ukraine–France air defence")
    {
        await page.GotoAsync(url + "/agreements/new");
        await page.GetByLabel("Agreement id").FillAsync(id);
        await page.GetByLabel("Title").FillAsync(title);
        await page.GetByLabel("Parties").FillAsync("UKR, FRA");
        await page.GetByRole(AriaRole.Button, new() { Name = "Open agreement" }).ClickAsync();
        await browser.ShouldReachAsync(page, $"{url}/agreements/{id}");
    }

    public static async Task AddCommitmentAsync(IPage page, string id, string title, string category)
    {
        await page.GetByLabel("Commitment id").FillAsync(id);
        await page.GetByLabel("Title").FillAsync(title);
        await page.GetByLabel("Category").SelectOptionAsync(category);
        await page.GetByRole(AriaRole.Button, new() { Name = "Add commitment" }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = title }).WaitForAsync();
    }

    /// <summary>Registers an actor on /actors and lands on its page (already registered with these details is fine).</summary>
    public static async Task RegisterActorAsync(Browser browser, IPage page, string id, string kind, string name, string? country = null)
    {
        await page.GotoAsync(browser.Url + "/actors");
        await page.GetByLabel("Code (capitals").FillAsync(id);
        await page.Locator("#kind").SelectOptionAsync(kind);
        await page.GetByLabel("Name", new() { Exact = true }).FillAsync(name);
        if (country is not null) await page.GetByLabel("Country").FillAsync(country);
        await page.GetByRole(AriaRole.Button, new() { Name = "Register actor" }).ClickAsync();
        await browser.ShouldReachAsync(page, $"{browser.Url}/actors/{id}");
    }

    /// <summary>Registers a person with one role on /people and lands on their page; returns its path.</summary>
    public static async Task<string> RegisterPersonAsync(Browser browser, IPage page, string name, string role, string actor, string from,
        string? aliases = null)
    {
        await page.GotoAsync(browser.Url + "/people");
        await page.GetByLabel("Name", new() { Exact = true }).FillAsync(name);
        if (aliases is not null) await page.GetByLabel("Other spellings").FillAsync(aliases);
        await page.GetByLabel("Role", new() { Exact = true }).FillAsync(role);
        await page.GetByLabel("For (actor code").FillAsync(actor);
        await page.GetByLabel("From (YYYY-MM-DD)").FillAsync(from);
        await page.GetByRole(AriaRole.Button, new() { Name = "Register person" }).ClickAsync();
        await page.WaitForURLAsync(new System.Text.RegularExpressions.Regex("/people/[a-z0-9-]+$"));
        return new Uri(page.Url).AbsolutePath;
    }

    /// <summary>
    /// Every word of every visible table cell against the room its cell gives it: a word wider than that is broken
    /// inside ("c a t e g o r y"). A word's width is the sum of its line boxes, so a broken word still measures whole.
    /// Text hidden by clipping (kept for screen readers only) is not seen, so not measured.
    /// </summary>
    public static Task<string[]> WordsWiderThanTheirCellsAsync(IPage page) => page.EvaluateAsync<string[]>("""
        () => {
            const clipped = el => { for (let e = el; e; e = e.parentElement) { const cs = getComputedStyle(e); if (cs.clip !== 'auto' || cs.clipPath !== 'none') return true; } return false; };
            const bad = [];
            for (const cell of document.querySelectorAll('main td, main th')) {
                if (!cell.checkVisibility()) continue;
                const cs = getComputedStyle(cell);
                const room = cell.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight);
                const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
                for (let node = walker.nextNode(); node; node = walker.nextNode()) {
                    if (clipped(node.parentElement)) continue;
                    for (const m of node.textContent.matchAll(/\S+/g)) {
                        const range = document.createRange();
                        range.setStart(node, m.index);
                        range.setEnd(node, m.index + m[0].length);
                        const width = [...range.getClientRects()].reduce((sum, r) => sum + r.width, 0);
                        if (width > room + 1) bad.push(`'${m[0]}' is ${Math.round(width)} px wide, its cell gives it ${Math.round(room)} px`);
                    }
                }
            }
            return bad;
        }
        """);

    /// <summary>Every SVG text's drawn box, as the browser lays it out, against its picture's viewBox.</summary>
    public static Task<string[]> TimelineLabelsOutsideAsync(IPage page) => page.EvaluateAsync<string[]>("""
        () => [...document.querySelectorAll('main svg')].flatMap(svg => {
            const v = svg.viewBox.baseVal;
            return [...svg.querySelectorAll('text')].map(t => [t.textContent, t.getBBox()])
                .filter(([, b]) => b.x < v.x - 0.5 || b.y < v.y - 0.5 || b.x + b.width > v.x + v.width + 0.5 || b.y + b.height > v.y + v.height + 0.5)
                .map(([text, b]) => `'${text}' spans x ${Math.round(b.x)}..${Math.round(b.x + b.width)}, y ${Math.round(b.y)}..${Math.round(b.y + b.height)} of ${v.width}×${v.height}`);
        })
        """);
}
