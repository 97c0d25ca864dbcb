using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using StandardWebhooks;
using Tracker.Tests.Support;

namespace Tracker.Tests.Following.Webhooks;

/// <summary>One request the receiver got: when, its headers and body as sent.</summary>
public sealed record Received(DateTimeOffset At, IHeaderDictionary Headers, string Body)
{
    public string Id => Headers["webhook-id"].ToString();

    /// <summary>Checked by the Standard Webhooks library (an implementation other than the service's): signature and
    /// timestamp; throws when either is wrong.</summary>
    public void Verify(string secret) => new StandardWebhook(secret).Verify(Body, Headers);

    public System.Text.Json.Nodes.JsonNode Json => System.Text.Json.Nodes.JsonNode.Parse(Body)!;
}

/// <summary>
/// A webhook receiver as a subscriber runs one: a real HTTP server (Kestrel) on 127.0.0.1 that records every request
/// and answers <see cref="Status"/>. It can be stopped (its port then refuses connections) and started again on the
/// same port, like a receiver that is down for a while.
/// </summary>
public sealed class Receiver : IAsyncDisposable
{
    private readonly ConcurrentQueue<Received> _requests = new();
    private WebApplication? _app;

    public int Port { get; } = TrackerProcess.FreePort();
    public string Url => $"http://127.0.0.1:{Port}/hook";
    public int Status { get; set; } = 200;
    /// <summary>Answers after this long (a slow receiver).</summary>
    public TimeSpan Delay { get; set; } = TimeSpan.Zero;
    public IReadOnlyList<Received> Requests => [.. _requests];

    public static async Task<Receiver> StartAsync()
    {
        var receiver = new Receiver();
        await receiver.StartAgainAsync();
        return receiver;
    }

    public async Task StartAgainAsync()
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, Port));
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.MapPost("/{**path}", async (HttpContext http) =>
        {
            using var reader = new StreamReader(http.Request.Body);
            var body = await reader.ReadToEndAsync();
            var headers = new HeaderDictionary();
            foreach (var (k, v) in http.Request.Headers) headers[k] = v;
            _requests.Enqueue(new Received(DateTimeOffset.UtcNow, headers, body));
            if (Delay > TimeSpan.Zero)
            {
                try { await Task.Delay(Delay, http.RequestAborted); }
                catch (OperationCanceledException) { return Results.Empty; } // the sender went away
            }
            return Results.StatusCode(Status);
        });
        await app.StartAsync();
        _app = app;
    }

    public async Task StopAsync()
    {
        if (Interlocked.Exchange(ref _app, null) is { } app)
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    /// <summary>The requests once at least <paramref name="count"/> have come, or fails after the timeout saying how many came.</summary>
    public async Task<IReadOnlyList<Received>> WaitForAsync(int count, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (_requests.Count < count && clock.Elapsed < timeout) await Task.Delay(20);
        _requests.Count.ShouldBeGreaterThanOrEqualTo(count, $"requests received within {timeout.TotalSeconds} s");
        return Requests;
    }

    public ValueTask DisposeAsync() => new(StopAsync());
}
