using System.Net;
using System.Text.RegularExpressions;

namespace Tracker.Benchmarks;

/// <summary>A browser's view of the workbench: signed in through the form, then a cookie on every request.</summary>
public static partial class WorkbenchSession
{
    public static async Task<HttpClient> SignInAsync(Uri baseUrl, string user, string token)
    {
        var handler = new SocketsHttpHandler { CookieContainer = new CookieContainer(), UseCookies = true, AllowAutoRedirect = false };
        var http = new HttpClient(handler) { BaseAddress = baseUrl, Timeout = TimeSpan.FromSeconds(60) };
        var form = await http.GetStringAsync("/signin");
        var antiforgery = Antiforgery().Match(form) is { Success: true } m
            ? WebUtility.HtmlDecode(m.Groups[1].Value)
            : throw new InvalidOperationException("the sign-in page has no antiforgery token");
        using var response = await http.PostAsync("/signin", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["name"] = user, ["token"] = token, ["returnUrl"] = "/", ["__RequestVerificationToken"] = antiforgery,
        }));
        if (response.StatusCode != HttpStatusCode.Redirect || response.Headers.Location?.ToString() != "/")
            throw new InvalidOperationException($"sign-in as {user}: {(int)response.StatusCode} {response.Headers.Location}");
        return http;
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex Antiforgery();
}
