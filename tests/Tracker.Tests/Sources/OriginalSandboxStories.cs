using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Tracker.Tests.Workbench;

namespace Tracker.Tests.Sources;

/// <summary>A hostile page opened "as captured" in a real browser (Chromium) by a signed-in analyst: it is served from
/// the cookieless path, its scripts do not run, and its form cannot post with the analyst's session.</summary>
public class OriginalSandboxStories(Browser browser) : IClassFixture<Browser>
{
    private const string Hostile = """
        <!doctype html><html><head><title>Ministry news</title></head><body>
        <p id="text">The sides agreed to produce air-defence systems jointly.</p>
        <script>document.body.setAttribute('data-ran', 'yes'); document.title = 'pwned';
          fetch('/api/agreements', {method: 'POST', credentials: 'include', headers: {'Content-Type': 'application/json'},
            body: JSON.stringify({agreementId: 'pwned', title: 'x', parties: ['UKR', 'FRA']})});</script>
        <form id="f" method="post" action="/agreements/sandbox-target/documents"><button id="b" type="submit">Go</button></form>
        </body></html>
        """;

    [Fact]
    public async Task a_captured_pages_scripts_do_not_run_and_it_cannot_act_with_the_analysts_session()
    {
        using var http = new HttpClient { BaseAddress = new Uri(browser.Url) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", browser.Tokens["ana"]);
        (await http.PostAsJsonAsync("/api/agreements", new { agreementId = "sandbox-target", title = "T", parties = new[] { "UKR", "FRA" } }))
            .EnsureSuccessStatusCode();
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(Encoding.UTF8.GetBytes(Hostile));
        file.Headers.ContentType = new MediaTypeHeaderValue("text/html");
        form.Add(file, "file", "news.html");
        using var uploaded = await http.PostAsync("/api/agreements/sandbox-target/documents", form);
        var sha = JsonNode.Parse(await uploaded.Content.ReadAsStringAsync())!["sha256"]!.ToString();

        var page = await browser.SignedInAsync("ana");
        var response = await page.GotoAsync($"{browser.Url}/captures/{sha}?handler=original");
        page.Url.ShouldStartWith($"{browser.Url}/originals/");
        var headers = await response!.AllHeadersAsync();
        headers["content-security-policy"].ShouldStartWith("sandbox;");
        headers.ShouldNotContainKey("set-cookie");
        (await page.Locator("#text").InnerTextAsync()).ShouldContain("air-defence systems jointly");
        await page.WaitForTimeoutAsync(500);
        (await page.Locator("body[data-ran]").CountAsync()).ShouldBe(0, "the page's script ran");
        (await page.TitleAsync()).ShouldBe("Ministry news");

        // Its form does not submit (sandboxed without allow-forms): the analyst stays on the original, nothing is posted.
        await page.Locator("#b").ClickAsync();
        await page.WaitForTimeoutAsync(500);
        page.Url.ShouldStartWith($"{browser.Url}/originals/");
        (await http.GetAsync("/api/agreements/pwned")).StatusCode.ShouldBe(System.Net.HttpStatusCode.NotFound);
        var documents = JsonNode.Parse(await http.GetStringAsync("/api/agreements/sandbox-target/documents"))!["documents"]!.AsArray();
        documents.Count.ShouldBe(1);
    }
}
