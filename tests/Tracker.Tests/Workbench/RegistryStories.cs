using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Tracker.Tests.Workbench;

/// <summary>
/// The registry in the workbench: a company and a person registered on their pages, found from the statement form's
/// pickers (no script needed: each "Find" re-renders the form), and the statements listed on their pages.
/// </summary>
public class RegistryStories(Browser browser) : IClassFixture<Browser>
{
    private async Task<IPage> AgreementAsync(string id)
    {
        var page = await browser.SignedInAsync("ana");
        await WorkbenchSteps.OpenAgreementAsync(browser, page, browser.Url, id, "Ukraine–France defence industry");
        await WorkbenchSteps.AddCommitmentAsync(page, "drones", "Joint drone production in Ukraine", "drones");
        return page;
    }

    private static async Task FillTheRestAsync(IPage page, string quote)
    {
        await page.Locator("#a0c").SelectOptionAsync("drones");
        await page.Locator("#a0s").SelectOptionAsync("under-examination");
        await page.Locator("#saidOn").FillAsync("2025-06-08");
        await page.Locator("#quote").FillAsync(quote);
        await page.Locator("#language").FillAsync("fr");
        await page.Locator("#outlet").FillAsync("Example Outlet");
    }

    [Fact]
    public async Task a_company_registered_on_actors_is_found_from_the_form_speaks_and_its_page_lists_the_statement()
    {
        var page = await AgreementAsync("ua-fr-company");
        await WorkbenchSteps.RegisterActorAsync(browser, page, "RENAULT", "company", "Renault Group", "FRA");
        (await page.Locator("dl.facts").InnerTextAsync()).ShouldContain("company");
        await Browser.CheckAsync(page, "actor-new");
        await page.GotoAsync(browser.Url + "/actors?q=renault&kind=company");
        (await page.Locator("table.registry").InnerTextAsync()).ShouldContain("Renault Group");
        await Browser.CheckAsync(page, "actors-search");

        await page.GotoAsync(browser.Url + "/agreements/ua-fr-company/statements/new");
        // The parties are offered as you type; anyone else in the registry through "Find actor".
        (await page.Locator("#actor-options option").EvaluateAllAsync<string[]>("os => os.map(o => o.value)")).ShouldBe(["UKR", "FRA"]);
        await page.Locator("#speaker").FillAsync("Renault spokesperson");
        await page.Locator("#actor").FillAsync("Renault");
        await FillTheRestAsync(page, "Renault étudie la production de 1 500 drones par an en Ukraine.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Find actor" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Choose RENAULT" }).WaitForAsync();
        (await page.Locator("#quote").InputValueAsync()).ShouldStartWith("Renault étudie"); // nothing typed is lost
        await Browser.CheckAsync(page, "log-statement-find-actor");
        await page.GetByRole(AriaRole.Button, new() { Name = "Choose RENAULT" }).ClickAsync();
        (await page.Locator("#actor").InputValueAsync()).ShouldBe("RENAULT");
        await page.Locator("#a0n").FillAsync("1500");
        await page.Locator("#a0u").FillAsync("drones a year");
        await page.GetByRole(AriaRole.Button, new() { Name = "Preview" }).ClickAsync();
        (await page.Locator(".preview").InnerTextAsync()).ShouldContain("drones: none → under-examination; quantity 1500 drones a year");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save statement" }).ClickAsync();
        await page.WaitForURLAsync(new Regex("/agreements/ua-fr-company\\?recorded="));

        await page.GotoAsync(browser.Url + "/actors/RENAULT");
        var statements = await page.Locator("ol.hits").InnerTextAsync();
        statements.ShouldContain("Renault étudie la production");
        statements.ShouldContain("Renault spokesperson");
        await page.Locator("ol.hits").GetByRole(AriaRole.Link, new() { Name = "drones" }).ClickAsync();
        await page.WaitForURLAsync(new Regex("/agreements/ua-fr-company/commitments/drones"));
        // The commitment page links the speaker's actor back to its page.
        (await page.Locator(".history").GetByRole(AriaRole.Link, new() { Name = "RENAULT" }).GetAttributeAsync("href")).ShouldBe("/actors/RENAULT");
        await page.GotoAsync(browser.Url + "/actors/RENAULT");
        await Browser.CheckAsync(page, "actor");
    }

    [Fact]
    public async Task an_unknown_actor_is_refused_beside_its_field_with_the_closest_and_a_register_link()
    {
        var page = await AgreementAsync("ua-fr-unknown");
        await WorkbenchSteps.RegisterActorAsync(browser, page, "RENAULT", "company", "Renault Group", "FRA");
        await page.GotoAsync(browser.Url + "/agreements/ua-fr-unknown/statements/new");
        await page.Locator("#speaker").FillAsync("A spokesperson");
        await page.Locator("#actor").FillAsync("RENAUL");
        await FillTheRestAsync(page, "Rien.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Preview" }).ClickAsync();
        (await page.Locator("#actor-error").InnerTextAsync()).ShouldContain("RENAULT");
        (await page.Locator(".preview").CountAsync()).ShouldBe(0);

        await page.Locator("#actor").FillAsync("Zzyzx Industries");
        await page.GetByRole(AriaRole.Button, new() { Name = "Find actor" }).ClickAsync();
        var register = page.GetByRole(AriaRole.Link, new() { Name = "register a new actor" });
        (await register.GetAttributeAsync("href")).ShouldBe("/actors?newId=Zzyzx%20Industries#register");
    }

    [Fact]
    public async Task a_person_registered_with_a_role_is_found_from_the_form_the_role_is_filled_in_and_their_page_lists_the_statement()
    {
        var page = await AgreementAsync("ua-fr-person");
        var path = await WorkbenchSteps.RegisterPersonAsync(browser, page, "Sébastien Lecornu", "Minister of the Armed Forces", "FRA",
            "2022-05-20", aliases: "Sebastien Lecornu, Себастьєн Лекорню");
        path.ShouldBe("/people/sebastien-lecornu");
        (await page.Locator("ul.roles").InnerTextAsync()).ShouldContain("Minister of the Armed Forces for FRA, from 2022-05-20");
        await Browser.CheckAsync(page, "person-new");
        await page.GotoAsync(browser.Url + "/people?q=" + Uri.EscapeDataString("лекорню"));
        (await page.Locator("ul.people").InnerTextAsync()).ShouldContain("Sébastien Lecornu");
        await Browser.CheckAsync(page, "people-search");

        await page.GotoAsync(browser.Url + "/agreements/ua-fr-person/statements/new");
        // A name the registry lacks: the form offers to register it, with the name carried over.
        await page.Locator("#speaker").FillAsync("Nobody Known");
        await page.GetByRole(AriaRole.Button, new() { Name = "Find person" }).ClickAsync();
        (await page.GetByRole(AriaRole.Link, new() { Name = "register as a new person" }).GetAttributeAsync("href"))
            .ShouldBe("/people?newName=Nobody%20Known#register");

        await page.Locator("#speaker").FillAsync("sebastien lecornu");
        await FillTheRestAsync(page, "La France soutiendra la production de drones en Ukraine.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Find person" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Choose Sébastien Lecornu" }).ClickAsync();
        (await page.Locator("#role").InputValueAsync()).ShouldBe("Minister of the Armed Forces");
        (await page.Locator("#actor").InputValueAsync()).ShouldBe("FRA");
        (await page.Locator("input[name='Form.PersonId']").InputValueAsync()).ShouldBe("sebastien-lecornu");
        (await page.Locator(".linked").InnerTextAsync()).ShouldContain("Sébastien Lecornu");
        await Browser.CheckAsync(page, "log-statement-person-linked");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save statement" }).ClickAsync();
        await page.WaitForURLAsync(new Regex("/agreements/ua-fr-person\\?recorded="));

        await page.GotoAsync(browser.Url + path);
        var statements = await page.Locator("ol.hits").InnerTextAsync();
        statements.ShouldContain("La France soutiendra");
        statements.ShouldContain("As “sebastien lecornu”, Minister of the Armed Forces");
        await Browser.CheckAsync(page, "person");
    }
}
