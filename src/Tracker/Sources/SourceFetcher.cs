using System.Net;
using Microsoft.Extensions.Options;
using Tracker.Infrastructure.Net;

namespace Tracker.Sources;

/// <summary>What one fetch brought back: the bytes and how they came, or why there are none.</summary>
public sealed record Fetched(string? FinalUrl, int? Status, string? ContentType, byte[]? Bytes, string? Refusal)
{
    public static Fetched Refused(string why, string? finalUrl = null, int? status = null) => new(finalUrl, status, null, null, why);
}

/// <summary>
/// Fetches a source the way a server that fetches URLs users give it must (issue 23, item 5): http and https only, on
/// the allowed ports; the name resolved and every address checked before connecting, and again on each redirect
/// (followed here, at most <see cref="SourceOptions.MaxRedirects"/>, each one checked as a new URL) and on the address
/// actually connected to (<see cref="GuardedConnect"/>, against DNS rebinding); no proxy, no cookies; the whole fetch
/// bounded by <see cref="SourceOptions.Timeout"/> and the body by <see cref="SourceOptions.MaxBytes"/>; a clear
/// User-Agent, and the site's robots.txt asked first.
/// </summary>
public sealed class SourceFetcher : IDisposable
{
    private readonly HttpClient _client;
    private readonly SourceOptions _options;

    public SourceFetcher(IOptions<SourceOptions> options)
    {
        _options = options.Value;
        _client = new HttpClient(new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseProxy = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.All,
            ConnectTimeout = _options.Timeout,
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            MaxResponseHeadersLength = 64,
            ConnectCallback = GuardedConnect.Callback(_options.AllowPrivateTargets),
        })
        { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
        _client.DefaultRequestHeaders.UserAgent.ParseAdd(_options.UserAgent);
    }

    public async Task<Fetched> FetchAsync(string url, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(_options.Timeout);
        var current = url;
        try
        {
            for (var hop = 0; ; hop++)
            {
                if (await CheckAsync(current, timeout.Token) is { } refused)
                    return Fetched.Refused(hop == 0 ? $"the URL {refused}" : $"redirected to {current}, which {refused}", current);
                var uri = new Uri(current);
                if (_options.RespectRobots && !await RobotsAllowAsync(uri, timeout.Token))
                    return Fetched.Refused($"{uri.Host}'s robots.txt disallows {uri.AbsolutePath} for {_options.RobotsAgent}", current);
                using var request = new HttpRequestMessage(HttpMethod.Get, uri);
                request.Headers.Accept.ParseAdd("text/html,application/xhtml+xml,application/pdf,text/plain;q=0.9,*/*;q=0.5");
                using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
                var status = (int)response.StatusCode;
                if (status is >= 300 and < 400 && response.Headers.Location is { } location)
                {
                    if (hop >= _options.MaxRedirects)
                        return Fetched.Refused($"more than {_options.MaxRedirects} redirects", current, status);
                    current = new Uri(uri, location).AbsoluteUri;
                    continue;
                }
                var type = response.Content.Headers.ContentType?.MediaType;
                if (response.Content.Headers.ContentLength > _options.MaxBytes)
                    return Fetched.Refused($"the body is {response.Content.Headers.ContentLength} bytes; at most {_options.MaxBytes} are kept", current, status);
                var bytes = await ReadCappedAsync(response, timeout.Token);
                if (bytes is null) return Fetched.Refused($"the body is longer than {_options.MaxBytes} bytes; it was cut off and not kept", current, status);
                return new Fetched(current, status, type, bytes, null);
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return Fetched.Refused($"no complete answer within {_options.Timeout.TotalSeconds:0.#} s", current);
        }
        catch (HttpRequestException e)
        {
            return Fetched.Refused(GuardedConnect.Describe(e), current);
        }
    }

    /// <summary>
    /// What <see cref="FetchAsync"/> answers for a URL its text alone refuses (no name looked up, nothing sent), or null
    /// when only fetching tells.
    /// </summary>
    public Fetched? RefusedByRule(string url) =>
        OutboundTargets.RuleRefusal(url, _options.Ports) is { } refused ? Fetched.Refused($"the URL {refused}", url) : null;

    private Task<string?> CheckAsync(string url, CancellationToken ct) =>
        OutboundTargets.CheckAsync(url, _options.AllowPrivateTargets, ct, _options.Ports);

    private async Task<byte[]?> ReadCappedAsync(HttpResponseMessage response, CancellationToken ct)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(ct);
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        while (await stream.ReadAsync(chunk, ct) is var n and > 0)
        {
            if (buffer.Length + n > _options.MaxBytes) return null;
            buffer.Write(chunk, 0, n);
        }
        return buffer.ToArray();
    }

    /// <summary>Whether the site's robots.txt lets our agent fetch the path. A robots.txt that is missing, unreadable or
    /// too large allows everything (what crawlers conventionally do); one that answers 401/403 disallows.</summary>
    private async Task<bool> RobotsAllowAsync(Uri page, CancellationToken ct)
    {
        var robots = new Uri(page, "/robots.txt");
        try
        {
            using var response = await _client.GetAsync(robots, HttpCompletionOption.ResponseHeadersRead, ct);
            if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden) return false;
            if (!response.IsSuccessStatusCode) return true;
            var bytes = await ReadCappedAsync(response, ct);
            if (bytes is null || bytes.Length > 512 * 1024) return true;
            return Robots.Allows(System.Text.Encoding.UTF8.GetString(bytes), _options.RobotsAgent, page.PathAndQuery);
        }
        catch (HttpRequestException)
        {
            return true;
        }
    }

    public void Dispose() => _client.Dispose();
}

/// <summary>The part of the robots exclusion protocol (RFC 9309) a single fetch needs: the group for our agent, or
/// <c>*</c>, and its longest matching Allow/Disallow rule (Allow wins a tie); <c>*</c> and <c>$</c> in paths.</summary>
public static class Robots
{
    public static bool Allows(string robotsTxt, string agent, string path)
    {
        var groups = new List<(List<string> Agents, List<(bool Allow, string Path)> Rules)>();
        (List<string> Agents, List<(bool, string)> Rules)? group = null;
        var lastWasAgent = false;
        foreach (var raw in robotsTxt.Split('\n'))
        {
            var line = raw.Split('#')[0].Trim();
            var colon = line.IndexOf(':');
            if (colon <= 0) continue;
            var key = line[..colon].Trim().ToLowerInvariant();
            var value = line[(colon + 1)..].Trim();
            if (key == "user-agent")
            {
                if (group is null || !lastWasAgent) groups.Add((group = ([], [])).Value);
                group.Value.Agents.Add(value.ToLowerInvariant());
                lastWasAgent = true;
                continue;
            }
            lastWasAgent = false;
            if (group is null) continue;
            if (key == "allow" && value.Length > 0) group.Value.Rules.Add((true, value));
            else if (key == "disallow" && value.Length > 0) group.Value.Rules.Add((false, value));
        }
        var name = agent.ToLowerInvariant();
        var mine = groups.Where(g => g.Agents.Any(a => a != "*" && name.StartsWith(a, StringComparison.Ordinal))).ToList();
        if (mine.Count == 0) mine = groups.Where(g => g.Agents.Contains("*")).ToList();
        var best = mine.SelectMany(g => g.Rules).Where(r => Matches(r.Path, path))
            .OrderByDescending(r => r.Path.Length).ThenByDescending(r => r.Allow).FirstOrDefault();
        return best == default || best.Allow;
    }

    private static bool Matches(string pattern, string path)
    {
        var regex = "^" + System.Text.RegularExpressions.Regex.Escape(pattern).Replace(@"\*", ".*").Replace(@"\$", "$");
        return System.Text.RegularExpressions.Regex.IsMatch(path, regex);
    }
}
