using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Tracker.Benchmarks;

/// <summary>
/// Webhooks under load (`webhooks`): a receiver in this process on loopback (the service must allow private targets),
/// then, in one run: recording throughput with no subscription; the same with N subscriptions that all match; and the
/// change → delivery latency at N subscriptions, from each write's answer to each POST's arrival, both under that
/// closed-loop load and at a steady two changes a second. Every write changes a status (a statement that announces the
/// commitment, then its retraction, and again), so every write under subscriptions is N deliveries.
/// </summary>
public static class WebhookBench
{
    public const string Usage = "Tracker.Benchmarks webhooks --url URL --token T [--seconds 30] [--subscriptions 100] [--paced 20]";

    public static async Task<int> RunAsync(string[] args)
    {
        var o = new Dictionary<string, string>();
        for (var i = 0; i + 1 < args.Length; i += 2) o[args[i].TrimStart('-')] = args[i + 1];
        var seconds = TimeSpan.FromSeconds(double.Parse(o.GetValueOrDefault("seconds", "30"), System.Globalization.CultureInfo.InvariantCulture));
        var subscriptions = int.Parse(o.GetValueOrDefault("subscriptions", "100"));
        var paced = int.Parse(o.GetValueOrDefault("paced", "20"));
        using var http = new HttpClient { BaseAddress = new Uri(o["url"]), Timeout = TimeSpan.FromSeconds(60) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", o["token"]);
        using var receiver = new Receiver();
        var run = Guid.NewGuid().ToString("N")[..8];

        // Warm-up (JIT, pools) on an agreement of its own, not counted: the first measurement must not pay for it.
        await RecordAsync(http, $"hooks-{run}-warmup", TimeSpan.FromSeconds(Math.Min(5, seconds.TotalSeconds)), null);
        var none = await RecordAsync(http, $"hooks-{run}-none", seconds, null);
        var agreement = $"hooks-{run}-subscribed";
        await OpenAsync(http, agreement);
        var ids = new List<string>();
        for (var i = 0; i < subscriptions; i++)
        {
            using var created = await http.PostAsync("/api/subscriptions", Json(new { url = $"{receiver.Url}{i}", filter = new { agreement } }));
            if (created.StatusCode != HttpStatusCode.Created) throw new InvalidOperationException($"subscribe: {await created.Content.ReadAsStringAsync()}");
            ids.Add(JsonNode.Parse(await created.Content.ReadAsStringAsync())!["id"]!.ToString());
        }
        var loaded = await RecordAsync(http, agreement, seconds, receiver, opened: true);
        // Let the deliveries of the loaded run finish before the paced run measures from a quiet start.
        var expected = loaded.Writes * subscriptions;
        var drain = Stopwatch.StartNew();
        while (receiver.Count < expected && drain.Elapsed < TimeSpan.FromMinutes(5)) await Task.Delay(100);
        var drained = drain.Elapsed;
        var underLoad = receiver.Latencies(loaded.Done);
        var deliveredUnderLoad = receiver.Count;

        receiver.Reset();
        var pacedRun = await RecordAsync(http, agreement, TimeSpan.Zero, receiver, opened: true, paced: paced);
        var settle = Stopwatch.StartNew();
        while (receiver.Count < pacedRun.Writes * subscriptions && settle.Elapsed < TimeSpan.FromSeconds(60)) await Task.Delay(50);
        var steady = receiver.Latencies(pacedRun.Done);
        foreach (var id in ids) using (await http.DeleteAsync($"/api/subscriptions/{id}")) { }

        Console.WriteLine(JsonSerializer.Serialize(new
        {
            measure = "webhooks", subscriptions,
            record_per_s_without = Math.Round(none.PerSecond, 1), record_per_s_with = Math.Round(loaded.PerSecond, 1),
            throughput_ratio = Math.Round(loaded.PerSecond / none.PerSecond, 3),
            writes_with = loaded.Writes, deliveries_expected = expected, deliveries_received = deliveredUnderLoad,
            duplicates = receiver.Duplicates, drain_s_after_load = Math.Round(drained.TotalSeconds, 1),
            loaded_p50_ms = P(underLoad, 50), loaded_p95_ms = P(underLoad, 95),
            paced_changes = pacedRun.Writes, paced_deliveries = steady.Count, paced_p50_ms = P(steady, 50), paced_p95_ms = P(steady, 95),
            paced_max_ms = P(steady, 100),
        }));
        return deliveredUnderLoad == expected && steady.Count == pacedRun.Writes * subscriptions ? 0 : 1;
    }

    private static double? P(List<double> ms, double p) => ms.Count == 0 ? null
        : Math.Round(ms[Math.Clamp((int)Math.Ceiling(p / 100 * ms.Count) - 1, 0, ms.Count - 1)], 1);

    private sealed record Run(int Writes, double PerSecond, ConcurrentDictionary<string, long> Done);

    /// <summary>One client writing changes: a statement announcing the commitment, then its retraction; closed loop for
    /// the duration, or <paramref name="paced"/> changes two a second. Keeps when each write's answer came, by the key
    /// its webhook carries (statement id, and whether it is the retraction).</summary>
    private static async Task<Run> RecordAsync(HttpClient http, string agreement, TimeSpan duration, Receiver? receiver,
        bool opened = false, int paced = 0)
    {
        if (!opened) await OpenAsync(http, agreement);
        var done = new ConcurrentDictionary<string, long>();
        var writes = 0;
        var clock = Stopwatch.StartNew();
        while (paced > 0 ? writes < paced : clock.Elapsed < duration)
        {
            var id = Guid.NewGuid();
            await PostAsync(http, $"/api/agreements/{agreement}/statements", Statement(id));
            done[$"{id}:a"] = Stopwatch.GetTimestamp();
            if (paced > 0) await Task.Delay(500);
            await PostAsync(http, $"/api/agreements/{agreement}/statements/{id}/retraction", new { reason = "benchmark" });
            done[$"{id}:r"] = Stopwatch.GetTimestamp();
            writes += 2;
            if (paced > 0) await Task.Delay(500);
        }
        return new Run(writes, writes / clock.Elapsed.TotalSeconds, done);
    }

    private static async Task OpenAsync(HttpClient http, string agreement)
    {
        await PostAsync(http, "/api/agreements", new { agreementId = agreement, title = "Webhook benchmark", parties = new[] { "UKR", "FRA" } });
        await PostAsync(http, $"/api/agreements/{agreement}/commitments",
            new { commitmentId = TrackerClient.Commitment, title = "Joint production", category = "air-defence" });
    }

    private static object Statement(Guid id) => new
    {
        statementId = id, saidOn = "2025-06-05", speaker = new { name = "Rustem Umerov", role = "Minister of Defence", actor = "UKR" },
        quote = "Wir verfügen über solche Kampferfahrung", language = "de",
        source = new { outlet = "Example Outlet", kind = "media-report", url = "https://example.org/article" },
        assertions = new[] { new { commitmentId = TrackerClient.Commitment, stage = "announced" } },
    };

    private static StringContent Json(object body) => new(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");

    private static async Task PostAsync(HttpClient http, string path, object body)
    {
        using var response = await http.PostAsync(path, Json(body));
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>An HTTP listener on loopback answering 204 to every POST, noting when each webhook arrived.</summary>
    private sealed class Receiver : IDisposable
    {
        private readonly HttpListener _listener = new();
        private readonly ConcurrentDictionary<string, byte> _ids = new();
        private ConcurrentQueue<(string Key, long At)> _arrivals = new();
        private int _duplicates;
        public string Url { get; }
        public int Count => _arrivals.Count;
        public int Duplicates => _duplicates;

        public Receiver()
        {
            var port = FreePort();
            Url = $"http://127.0.0.1:{port}/hook/";
            _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
            _listener.Start();
            for (var i = 0; i < 16; i++) _ = Task.Run(AcceptAsync);
        }

        private static int FreePort()
        {
            using var socket = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
            socket.Start();
            return ((IPEndPoint)socket.LocalEndpoint).Port;
        }

        private async Task AcceptAsync()
        {
            while (_listener.IsListening)
            {
                HttpListenerContext context;
                try { context = await _listener.GetContextAsync(); }
                catch (Exception) { return; }
                var at = Stopwatch.GetTimestamp();
                using (var reader = new StreamReader(context.Request.InputStream))
                {
                    var data = JsonNode.Parse(await reader.ReadToEndAsync())!["data"]!;
                    if (!_ids.TryAdd(context.Request.Headers["webhook-id"] ?? "", 0)) Interlocked.Increment(ref _duplicates);
                    _arrivals.Enqueue(($"{data["statementId"]}:{(data["reason"] is null ? "a" : "r")}", at));
                }
                context.Response.StatusCode = 204;
                context.Response.Close();
            }
        }

        public void Reset() => _arrivals = new();

        /// <summary>Milliseconds from each write's answer to each of its webhooks' arrival, ascending.</summary>
        public List<double> Latencies(ConcurrentDictionary<string, long> done) =>
            _arrivals.Where(a => done.ContainsKey(a.Key))
                .Select(a => Stopwatch.GetElapsedTime(done[a.Key], a.At).TotalMilliseconds).Order().ToList();

        public void Dispose() => _listener.Close();
    }
}
