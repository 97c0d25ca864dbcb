using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Tracker.Benchmarks;

/// <summary>
/// Capture beside recording (`sources`): one client records statements with no source URL (nothing to capture), then
/// the same with a source URL on a page server in this process on loopback (the service must allow private targets
/// and the page port), each page distinct so every capture fetches, extracts, hashes and stores; the ratio of the two
/// recording rates is what capture costs recording. Then how long the captures took to catch up after the load.
/// </summary>
public static class SourcesBench
{
    public const string Usage = "Tracker.Benchmarks sources --url URL --token T --page-port P [--seconds 30]";

    public static async Task<int> RunAsync(string[] args)
    {
        var o = new Dictionary<string, string>();
        for (var i = 0; i + 1 < args.Length; i += 2) o[args[i].TrimStart('-')] = args[i + 1];
        var seconds = TimeSpan.FromSeconds(double.Parse(o.GetValueOrDefault("seconds", "30"), System.Globalization.CultureInfo.InvariantCulture));
        var port = int.Parse(o["page-port"]);
        using var http = new HttpClient { BaseAddress = new Uri(o["url"]), Timeout = TimeSpan.FromSeconds(60) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", o["token"]);
        using var pages = new Pages(port);
        var run = Guid.NewGuid().ToString("N")[..8];

        await RecordAsync(http, $"sources-{run}-warmup", TimeSpan.FromSeconds(Math.Min(5, seconds.TotalSeconds)), null);
        var off = await RecordAsync(http, $"sources-{run}-off", seconds, null);
        var on = await RecordAsync(http, $"sources-{run}-on", seconds, pages);
        var drain = Stopwatch.StartNew();
        var captured = false;
        while (drain.Elapsed < TimeSpan.FromMinutes(5))
        {
            using var last = await http.GetAsync($"/api/agreements/sources-{run}-on/statements/{on.Last}/captures");
            if (last.IsSuccessStatusCode) { captured = true; break; }
            await Task.Delay(100);
        }
        Console.WriteLine(JsonSerializer.Serialize(new
        {
            measure = "sources",
            record_per_s_without_capture = Math.Round(off.PerSecond, 1), record_per_s_with_capture = Math.Round(on.PerSecond, 1),
            throughput_ratio = Math.Round(on.PerSecond / off.PerSecond, 3), captured_statements = on.Writes,
            pages_served = pages.Served, captures_caught_up_s_after_load = captured ? Math.Round(drain.Elapsed.TotalSeconds, 1) : (double?)null,
        }));
        return captured ? 0 : 1;
    }

    private sealed record Run(int Writes, double PerSecond, Guid Last);

    private static async Task<Run> RecordAsync(HttpClient http, string agreement, TimeSpan duration, Pages? pages)
    {
        await PostAsync(http, "/api/agreements", new { agreementId = agreement, title = "Capture benchmark", parties = new[] { "UKR", "FRA" } });
        await PostAsync(http, $"/api/agreements/{agreement}/commitments",
            new { commitmentId = TrackerClient.Commitment, title = "Joint production", category = "air-defence" });
        var writes = 0;
        var last = Guid.Empty;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < duration)
        {
            last = Guid.NewGuid();
            await PostAsync(http, $"/api/agreements/{agreement}/statements", new
            {
                statementId = last, saidOn = "2025-06-05", speaker = new { name = "Rustem Umerov", actor = "UKR" },
                quote = "Wir verfügen über solche Kampferfahrung", language = "de",
                source = new { outlet = "Example Outlet", kind = "media-report", url = pages?.Url(last) },
                assertions = new[] { new { commitmentId = TrackerClient.Commitment, stage = "announced" } },
            });
            writes++;
        }
        return new Run(writes, writes / clock.Elapsed.TotalSeconds, last);
    }

    private static async Task PostAsync(HttpClient http, string path, object body)
    {
        using var response = await http.PostAsync(path, new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json"));
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>Article pages on loopback, each path its own text (so no two captures share bytes), about 20 KB each.</summary>
    private sealed class Pages : IDisposable
    {
        private readonly HttpListener _listener = new();
        private readonly int _port;
        private int _served;
        public int Served => _served;

        public Pages(int port)
        {
            _port = port;
            _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
            _listener.Start();
            _ = Task.Run(ServeAsync);
        }

        public string Url(Guid id) => $"http://127.0.0.1:{_port}/news/{id}";

        private async Task ServeAsync()
        {
            var filler = string.Concat(Enumerable.Repeat("<p>The delegations reviewed the progress of the cooperation in detail. </p>", 250));
            while (_listener.IsListening)
            {
                HttpListenerContext context;
                try { context = await _listener.GetContextAsync(); }
                catch (Exception) { return; }
                // Each request on its own: a client that hangs up mid-answer (the service drops a 404's body) costs
                // that request only, never the listener.
                _ = Task.Run(async () =>
                {
                    try
                    {
                        var path = context.Request.Url!.AbsolutePath;
                        var html = path == "/robots.txt" ? null
                            : $"<html><head><title>{path}</title></head><body><article><h1>Ministers meet</h1><p>„Wir verfügen über solche Kampferfahrung“, said the minister ({path}).</p>{filler}</article></body></html>";
                        context.Response.StatusCode = html is null ? 404 : 200;
                        context.Response.ContentType = "text/html; charset=utf-8";
                        var bytes = Encoding.UTF8.GetBytes(html ?? "");
                        context.Response.ContentLength64 = bytes.Length;
                        await context.Response.OutputStream.WriteAsync(bytes);
                        context.Response.Close();
                        if (html is not null) Interlocked.Increment(ref _served);
                    }
                    catch (Exception)
                    {
                        context.Response.Abort();
                    }
                });
            }
        }

        public void Dispose() => _listener.Close();
    }
}
