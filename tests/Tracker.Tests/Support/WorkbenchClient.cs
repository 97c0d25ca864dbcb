using System.Net;
using System.Text.RegularExpressions;
using Alba;

namespace Tracker.Tests.Support;

/// <summary>
/// Someone at the workbench without a browser: the in-process service's pages and forms, with the session cookie
/// and the antiforgery token each form carries, as a browser would send them. For stories that need the host's
/// services in hand (a fixed clock), where a browser would need a separate process.
/// </summary>
public sealed class WorkbenchClient : IDisposable
{
    private readonly HttpClient _http;

    public WorkbenchClient(IAlbaHost host) =>
        _http = new HttpClient(new CookieJar(host.Server.CreateHandler())) { BaseAddress = new Uri("http://localhost") };

    public sealed record Page(HttpStatusCode Status, string Html, Uri? Location, IReadOnlyDictionary<string, string> Headers)
    {
        /// <summary>The page's text as a reader sees it (Razor encodes "→" and the like as character references).</summary>
        public string Text => WebUtility.HtmlDecode(Html);

        /// <summary>The contents of the element with this id (a field's error, say), decoded; empty when there is none.</summary>
        public string Element(string id) =>
            Regex.Match(Html, $"<(\\w+)[^>]*\\bid=\"{Regex.Escape(id)}\"[^>]*>(.*?)</\\1>", RegexOptions.Singleline) is { Success: true } m
                ? WebUtility.HtmlDecode(m.Groups[2].Value).Trim() : "";

        public string InputValue(string name) =>
            Regex.Match(Html, $"<input[^>]*\\bname=\"{Regex.Escape(name)}\"[^>]*\\bvalue=\"([^\"]*)\"") is { Success: true } m
                ? WebUtility.HtmlDecode(m.Groups[1].Value) : throw new InvalidOperationException($"no input '{name}' on the page");
    }

    public async Task<Page> GetAsync(string url)
    {
        using var response = await _http.GetAsync(url);
        return await PageOf(response);
    }

    /// <summary>Submits a form of <paramref name="form"/> (the page it is on) to <paramref name="url"/>, with its antiforgery token.</summary>
    public async Task<Page> PostAsync(Page form, string url, params (string Name, string Value)[] fields)
    {
        var values = fields.Append(("__RequestVerificationToken", form.InputValue("__RequestVerificationToken")))
            .Select(f => new KeyValuePair<string, string>(f.Item1, f.Item2));
        using var response = await _http.PostAsync(url, new FormUrlEncodedContent(values));
        return await PageOf(response);
    }

    public async Task SignInAsync(string name, string token)
    {
        var signedIn = await PostAsync(await GetAsync("/signin"), "/signin", ("name", name), ("token", token));
        signedIn.Status.ShouldBe(HttpStatusCode.Redirect, signedIn.Text);
    }

    private static async Task<Page> PageOf(HttpResponseMessage response) =>
        new(response.StatusCode, await response.Content.ReadAsStringAsync(), response.Headers.Location,
            response.Headers.Concat(response.Content.Headers)
                .ToDictionary(h => h.Key, h => string.Join(", ", h.Value), StringComparer.OrdinalIgnoreCase));

    public void Dispose() => _http.Dispose();

    /// <summary>Keeps the cookies the service sets and sends them back, as a browser does for one site.</summary>
    private sealed class CookieJar(HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        private readonly Dictionary<string, string> _cookies = new(StringComparer.Ordinal);

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            if (_cookies.Count > 0) request.Headers.Add("Cookie", string.Join("; ", _cookies.Select(c => $"{c.Key}={c.Value}")));
            var response = await base.SendAsync(request, ct);
            foreach (var header in response.Headers.TryGetValues("Set-Cookie", out var set) ? set : [])
            {
                var pair = header.Split(';')[0];
                var (name, value) = (pair[..pair.IndexOf('=')], pair[(pair.IndexOf('=') + 1)..]);
                // A sign-out clears a cookie by sending it empty and already expired.
                if (value.Length == 0 || header.Contains("expires=Thu, 01 Jan 1970", StringComparison.OrdinalIgnoreCase)) _cookies.Remove(name);
                else _cookies[name] = value;
            }
            return response;
        }
    }
}
