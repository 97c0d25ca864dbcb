using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using Npgsql;
using Tracker.Tests.Support;

namespace Tracker.Tests.Workbench;

/// <summary>
/// The built service on a database of its own, and Debian's Chromium driven by Playwright (nothing is downloaded:
/// <c>apt-get install chromium</c>, as <c>./tracker test</c> does). One per test class.
/// </summary>
public sealed class Browser : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";
    private TrackerProcess.Service? _service;
    private IPlaywright? _playwright;
    public IBrowser Chromium { get; private set; } = null!;
    public string Url => _service!.Url;
    public string Database { get; private set; } = "";
    public Dictionary<string, string> Tokens { get; } = new();
    private Dictionary<string, string?> _environment = new();

    /// <summary>Runs a verb of the same executable on the same database, as an operator would.</summary>
    public Task<TrackerProcess.Result> RunAsync(params string[] args) => TrackerProcess.RunAsync(_environment, args);
    public static string Screenshots { get; } = Path.Combine(AppContext.BaseDirectory, "screenshots");

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
            throw new InvalidOperationException($"{ChromiumPath} is missing: apt-get install -y chromium (./tracker test does).");
        Database = await TestCluster.NewDatabaseAsync("workbench");
        var environment = _environment = new Dictionary<string, string?>
        {
            ["TRACKER_DB"] = Database, ["ASPNETCORE_ENVIRONMENT"] = "Production", ["Tracker__LoadSeeds"] = "false",
            ["Tracker__RateLimit__PermitsPerMinute"] = "100000",
        };
        foreach (var (name, role) in new[] { ("ana", "analyst"), ("rita", "reader"), ("vic", "analyst") })
        {
            var added = await TrackerProcess.RunAsync(environment, "users", "add", name, "--role", role);
            added.ExitCode.ShouldBe(0, added.ToString());
            Tokens[name] = added.Output.Split('\n').Select(l => l.Trim()).Single(l => l.StartsWith("trk_", StringComparison.Ordinal));
        }
        _service = new TrackerProcess.Service(environment);
        (await _service.WaitForHealthAsync(TimeSpan.FromSeconds(60))).IsSuccessStatusCode.ShouldBeTrue(_service.Output);
        _playwright = await Playwright.CreateAsync();
        Chromium = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath, Headless = true,
            // This machine's network is closed: Chromium's own background connections only fail, slowly.
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run"],
        });
        Directory.CreateDirectory(Screenshots);
    }

    /// <summary>Waits for the page to reach a URL; if it does not, says where it stayed, what it showed and what the
    /// service logged meanwhile (a bare timeout under a loaded CI machine says nothing).</summary>
    public async Task ShouldReachAsync(IPage page, string expected, float timeoutMs = 60_000)
    {
        try
        {
            // The document, not every subresource: once (of ~1,200 tests) a page showed in full while its load event
            // had not fired after 60 s on a loaded machine. The icon and scripts are checked by tests of their own.
            await page.WaitForURLAsync(expected, new() { Timeout = timeoutMs, WaitUntil = WaitUntilState.DOMContentLoaded });
        }
        catch (TimeoutException)
        {
            var output = _service!.Output;
            throw new InvalidOperationException($"expected {expected}, stayed at {page.Url}: " +
                $"{await page.Locator("main").InnerTextAsync()}\n{output[^Math.Min(output.Length, 3000)..]}");
        }
    }

    /// <summary>A fresh browser context signed in through the sign-in form.</summary>
    public async Task<IPage> SignedInAsync(string user, ViewportSize? viewport = null)
    {
        var context = await Chromium.NewContextAsync(new BrowserNewContextOptions { AcceptDownloads = true, ViewportSize = viewport });
        // Two cores run the service, its database, the browser and the test: a save can take longer than Playwright's 30 s.
        context.SetDefaultTimeout(90_000);
        context.SetDefaultNavigationTimeout(90_000);
        var page = await context.NewPageAsync();
        await page.GotoAsync(Url + "/signin");
        await page.GetByLabel("User name").FillAsync(user);
        await page.GetByLabel("Token").FillAsync(Tokens[user]);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        try
        {
            // Arrival is enough (the next step waits for what it reads); waiting for "load" too timed out under a loaded CI.
            await page.WaitForURLAsync(Url + "/", new() { Timeout = 60_000, WaitUntil = WaitUntilState.Commit });
        }
        catch (TimeoutException)
        {
            // A refused sign-in stays on the form: say what it said, and what the service said meanwhile.
            var output = _service!.Output;
            throw new InvalidOperationException($"sign-in as {user} ended at {page.Url}: " +
                $"{await page.Locator("main").InnerTextAsync()}\n{output[^Math.Min(output.Length, 3000)..]}");
        }
        return page;
    }

    /// <summary>axe-core finds nothing serious or critical; the page is saved as a picture beside the test output.</summary>
    public static async Task CheckAsync(IPage page, string name)
    {
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Screenshots, name + ".png"), FullPage = true });
        var result = await page.RunAxe();
        var bad = result.Violations.Where(v => v.Impact is "serious" or "critical")
            .Select(v => $"{v.Id} ({v.Impact}): {v.Help} at {string.Join(", ", v.Nodes.Select(n => n.Target?.ToString()))}").ToList();
        bad.ShouldBeEmpty($"axe on {name} ({page.Url})");
    }

    public async Task<long> EventCountAsync()
    {
        await using var conn = new NpgsqlConnection(Database);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("select count(*) from tracker.mt_events", conn);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    public async Task DisposeAsync()
    {
        if (Chromium is not null) await Chromium.DisposeAsync();
        _playwright?.Dispose();
        if (_service is not null) await _service.DisposeAsync();
    }
}
