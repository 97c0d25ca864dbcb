using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Tracker.Tests.Support;

namespace Tracker.Tests.Sources;

/// <summary>One page as the test serves it: status, type, bytes, a redirect, a delay before the body, or a body of a
/// given length streamed without a Content-Length (as a server that does not say how much is coming).</summary>
public sealed record Page(int Status, string ContentType, byte[] Body, string? Location = null, TimeSpan Delay = default,
    long StreamBytes = 0)
{
    public static Page Html(string html) => new(200, "text/html; charset=utf-8", System.Text.Encoding.UTF8.GetBytes(html));
}

/// <summary>A web site on 127.0.0.1 (Kestrel) whose pages a test sets and changes, like the ministry sites statements cite.</summary>
public sealed class SourcePages : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, Page> _pages = new();
    private WebApplication? _app;

    public int Port { get; } = TrackerProcess.FreePort();
    public string Url(string path) => $"http://127.0.0.1:{Port}{path}";
    public Page this[string path] { set => _pages[path] = value; }

    public static async Task<SourcePages> StartAsync()
    {
        var pages = new SourcePages();
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, pages.Port));
        builder.Logging.ClearProviders();
        pages._app = builder.Build();
        pages._app.MapGet("/{**path}", async (HttpContext http) =>
        {
            if (!pages._pages.TryGetValue(http.Request.Path.Value ?? "/", out var page))
            {
                http.Response.StatusCode = 404;
                return;
            }
            if (page.Delay > TimeSpan.Zero) await Task.Delay(page.Delay, http.RequestAborted);
            http.Response.StatusCode = page.Status;
            http.Response.ContentType = page.ContentType;
            if (page.Location is { } to) http.Response.Headers.Location = to;
            if (page.StreamBytes > 0)
            {
                var chunk = new byte[64 * 1024];
                for (long sent = 0; sent < page.StreamBytes; sent += chunk.Length)
                    await http.Response.Body.WriteAsync(chunk, http.RequestAborted);
                return;
            }
            await http.Response.Body.WriteAsync(page.Body, http.RequestAborted);
        });
        await pages._app.StartAsync();
        return pages;
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null) await _app.DisposeAsync();
    }
}
