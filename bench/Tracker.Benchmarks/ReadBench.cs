using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace Tracker.Benchmarks;

/// <summary>
/// Read latencies of a running Tracker over a store the generator wrote (its manifest names the parties, ids and
/// instants to ask about): each probe is a few warm-up requests, then up to --requests timed ones, one client after
/// the other (and a few probes again with --clients at once), a whole answer read before the next request; then
/// full status exports (first), as CSV and then as the xlsx workbook in the same run, their rows/s and the service's
/// memory while it answers. One JSON line per probe.
/// </summary>
public static class ReadBench
{
    public const string Usage = """
        Tracker.Benchmarks reads --url URL --manifest FILE --known-at INSTANT [--token T] [--pid PID] [--requests 200]
              [--warmup 3] [--budget 30] [--clients 4] [--csv-runs 3] [--timeout 900] [--as-of 2020-06-30] [--exports-only 1]
          --manifest   the generator's manifest.json (parties, sample agreement and commitment ids)
          --known-at   an instant for knownAt reads (e.g. between two imports)
          --pid        the service's process id: its VmRSS is sampled every 50 ms during the exports
          --csv-runs   full status exports in each of CSV and xlsx (then the evidence CSV, and the status CSV known at --known-at)
          --exports-only  1: the full exports alone, no latency probes
          --budget     seconds per probe: it stops early (with fewer requests) once this is spent
          --clients    a concurrent run of the main probes with this many clients (0: none)
        Prints one JSON line per probe; exits 1 if any request failed (non-2xx, timeout, connection).
        """;

    private sealed record Probe(string Measure, string Clock, string Filter, Func<Random, string> Path);

    public sealed record Settings(Uri Url, string Token, string Manifest, string KnownAt, int? Pid, int Requests, int Warmup,
        double Budget, int Clients, int CsvRuns, double Timeout, string AsOf, string User, bool ExportsOnly = false);

    public static async Task<int> MainAsync(string[] args)
    {
        Settings s;
        try
        {
            s = Parse(args);
        }
        catch (Exception e) when (e is ArgumentException or FormatException)
        {
            Console.Error.WriteLine($"{e.Message}\n\n{Usage}");
            return 2;
        }
        var manifest = JsonSerializer.Deserialize<Generator.Manifest>(File.ReadAllText(s.Manifest), new JsonSerializerOptions(JsonSerializerDefaults.Web))
                       ?? throw new InvalidOperationException("empty manifest");
        var failed = false;

        // Status report, first page, on each clock, unfiltered and with each filter.
        var knownAt = Uri.EscapeDataString(s.KnownAt);
        (string Name, string Query)[] clocks =
        [
            ("now", ""), ("asOf", $"&asOf={s.AsOf}"), ("knownAt", $"&knownAt={knownAt}"), ("asOf+knownAt", $"&asOf={s.AsOf}&knownAt={knownAt}"),
        ];
        (string Name, string Query)[] filters =
        [
            ("none", ""), ($"party={manifest.CommonParty}", $"&party={manifest.CommonParty}"), ("stage=announced", "&stage=announced"),
            ("category=munitions", "&category=munitions"), ($"party={manifest.WideOnlyParty} (wide only)", $"&party={manifest.WideOnlyParty}"),
        ];
        var probes = new List<Probe>();
        foreach (var (filter, fq) in filters)
            foreach (var (clock, cq) in clocks)
                probes.Add(new Probe("status", clock, filter, _ => $"/api/reports/status?format=json&page=1&pageSize=100{fq}{cq}"));
        // Deep pages: page 500 of 20 skips 10,000 commitments (issue 20: at most twice page 1).
        probes.Add(new Probe("status", "now", "page=1 of 20", _ => "/api/reports/status?format=json&page=1&pageSize=20"));
        probes.Add(new Probe("status", "now", "page=500 of 20", _ => "/api/reports/status?format=json&page=500&pageSize=20"));
        probes.Add(new Probe("agreements", "now", "page=1", _ => "/api/agreements?page=1&pageSize=20"));
        probes.Add(new Probe("agreements", "now", "page=500", _ => "/api/agreements?page=500&pageSize=20"));
        var samples = manifest.Samples;
        probes.Add(new Probe("agreement", "now", "random id", r => $"/api/agreements/{samples[r.Next(samples.Count)].AgreementId}"));
        probes.Add(new Probe("history", "now", "random commitment", r =>
        {
            var x = samples[r.Next(samples.Count)];
            return $"/api/agreements/{x.AgreementId}/commitments/{x.CommitmentId}/history";
        }));
        probes.Add(new Probe("changes", "now", "2024-03", _ => "/api/reports/changes?from=2024-03-01&to=2024-03-31&format=json&page=1&pageSize=100"));

        // The export first, while the service holds only what the imports left it: its memory is the export's own.
        using var one = Http(s, 1);
        var csv = await ExportAsync(one, s, "csv", rowsKnown: null, baselineSeconds: null);
        failed |= csv.Failed;
        failed |= (await ExportAsync(one, s, "xlsx", csv.Rows, csv.Seconds)).Failed;
        // The evidence table (one record per cited statement) and the status CSV on the record-time clock: the other
        // COPY-written exports, whose reads differ (every cited statement; corrections read as known then).
        failed |= (await ExportAsync(one, s, "csv", null, null, "evidence-export", "/api/reports/evidence?format=csv")).Failed;
        failed |= (await ExportAsync(one, s, "csv", null, null, "csv-export", $"/api/reports/status?format=csv&knownAt={knownAt}", "knownAt")).Failed;
        if (s.ExportsOnly) return failed ? 1 : 0;
        foreach (var probe in probes)
            failed |= Report(probe, 1, await RunAsync(one, probe, s, clients: 1));

        // The workbench's pages, rendered by the server for a signed-in analyst (a cookie session, as a browser has).
        using var workbench = await WorkbenchSession.SignInAsync(s.Url, s.User, s.Token);
        Probe[] pages =
        [
            new("page", "now", "portfolio", _ => "/"),
            new("page", "asOf+knownAt", "portfolio", _ => $"/?asOf={s.AsOf}&knownAt={knownAt}"),
            new("page", "now", "commitment", r =>
            {
                var x = samples[r.Next(samples.Count)];
                return $"/agreements/{x.AgreementId}/commitments/{x.CommitmentId}";
            }),
            new("page", "now", "agreement", r => $"/agreements/{samples[r.Next(samples.Count)].AgreementId}"),
            new("page", "now", "search", _ => "/search?q=production"),
        ];
        foreach (var probe in pages)
            failed |= Report(probe, 1, await RunAsync(workbench, probe, s, clients: 1));

        if (s.Clients > 1)
        {
            using var many = Http(s, s.Clients);
            foreach (var probe in probes.Where(p => p is { Measure: "status", Filter: "none" } || p.Measure is "agreements" or "agreement" or "history")
                         .Where(p => p.Clock is "now" or "knownAt"))
                failed |= Report(probe, s.Clients, await RunAsync(many, probe, s, s.Clients));
        }

        return failed ? 1 : 0;
    }

    /// <summary>
    /// <c>pages --url U --user N --token T --paths /,/agreements/x [--requests 100]</c>: server render time of the given
    /// workbench pages for a signed-in user, one client (bench/pages.sh runs it on the seed store).
    /// </summary>
    public static async Task<int> PagesAsync(string[] args)
    {
        var paths = new List<string>();
        var rest = new List<string>();
        for (var i = 0; i < args.Length; i++)
            if (args[i] == "--paths" && i + 1 < args.Length) paths.AddRange(args[++i].Split(',', StringSplitOptions.RemoveEmptyEntries));
            else rest.Add(args[i]);
        Settings s;
        try
        {
            s = Parse([.. rest, "--manifest", "-", "--known-at", "-"]);
            if (paths.Count == 0) throw new ArgumentException("--paths is required");
        }
        catch (Exception e) when (e is ArgumentException or FormatException)
        {
            Console.Error.WriteLine(e.Message);
            return 2;
        }
        using var workbench = await WorkbenchSession.SignInAsync(s.Url, s.User, s.Token);
        var failed = false;
        foreach (var path in paths)
            failed |= Report(new Probe("page", "now", path, _ => path), 1, await RunAsync(workbench, new Probe("page", "now", path, _ => path), s, 1));
        return failed ? 1 : 0;
    }

    private static Settings Parse(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i += 2)
        {
            if (!args[i].StartsWith("--") || i + 1 >= args.Length) throw new ArgumentException($"unexpected '{args[i]}'");
            values[args[i][2..]] = args[i + 1];
        }
        string? Get(string name) => values.Remove(name, out var v) ? v : null;
        var inv = CultureInfo.InvariantCulture;
        var s = new Settings(
            new Uri(Get("url") ?? throw new ArgumentException("--url is required")),
            Get("token") ?? Environment.GetEnvironmentVariable("TRACKER_TOKEN") ?? throw new ArgumentException("--token or TRACKER_TOKEN is required"),
            Get("manifest") ?? throw new ArgumentException("--manifest is required"),
            Get("known-at") ?? throw new ArgumentException("--known-at is required"),
            Get("pid") is { } pid ? int.Parse(pid, inv) : null,
            int.Parse(Get("requests") ?? "200", inv),
            int.Parse(Get("warmup") ?? "3", inv),
            double.Parse(Get("budget") ?? "30", inv),
            int.Parse(Get("clients") ?? "4", inv),
            int.Parse(Get("csv-runs") ?? "3", inv),
            double.Parse(Get("timeout") ?? "900", inv),
            Get("as-of") ?? "2020-06-30",
            Get("user") ?? "bench",
            Get("exports-only") is "1" or "true");
        if (values.Count > 0) throw new ArgumentException($"unknown option --{values.Keys.First()}");
        if (s.Requests < 1 || s.Budget <= 0) throw new ArgumentException("--requests and --budget must be positive");
        return s;
    }

    private static HttpClient Http(Settings s, int connections)
    {
        var http = TrackerClient.CreateHttp(s.Url, s.Token, connections);
        http.Timeout = TimeSpan.FromSeconds(s.Timeout); // a whole-store read at scale can take long; it is measured, not cut
        return http;
    }

    private sealed class Outcome
    {
        public readonly List<double> Latencies = [];
        public readonly Dictionary<string, int> Failures = [];
        public long Bytes;
        public string? FirstError;
        public byte[]? FirstBody;
        public double Seconds, WarmupSeconds;
        public int WarmupRequests;
        public bool OutOfBudget;
    }

    private static async Task<Outcome> RunAsync(HttpClient http, Probe probe, Settings s, int clients)
    {
        Console.Error.Write($"  {probe.Measure} [{probe.Clock}; {probe.Filter}] × {clients} client(s)… ");
        var outcome = new Outcome();
        var rng = new Random(7);
        var gate = new object();

        // Warm-up (JIT, caches, the connection): not counted, and not more than a quarter of the budget.
        var warm = Stopwatch.StartNew();
        for (var i = 0; i < s.Warmup && warm.Elapsed.TotalSeconds < s.Budget / 4; i++)
        {
            string path;
            lock (gate) path = probe.Path(rng);
            await OneAsync(http, path, outcome, gate, counted: false);
            outcome.WarmupRequests++;
        }
        outcome.WarmupSeconds = warm.Elapsed.TotalSeconds;

        var clock = Stopwatch.StartNew();
        var started = 0;
        await Task.WhenAll(Enumerable.Range(0, clients).Select(_ => Task.Run(async () =>
        {
            while (true)
            {
                string path;
                lock (gate)
                {
                    if (started >= s.Requests) return;
                    if (clock.Elapsed.TotalSeconds >= s.Budget && started > 0)
                    {
                        outcome.OutOfBudget = true;
                        return;
                    }
                    started++;
                    path = probe.Path(rng);
                }
                await OneAsync(http, path, outcome, gate, counted: true);
            }
        })));
        outcome.Seconds = clock.Elapsed.TotalSeconds;
        outcome.Latencies.Sort();
        var failures = outcome.Failures.Values.Sum();
        Console.Error.WriteLine($"{outcome.Latencies.Count} ok, p95 {Percentile(outcome.Latencies, 95):0.##} ms" +
                                (failures > 0 ? $", {failures} FAILED" : "") + (outcome.OutOfBudget ? " (budget spent)" : ""));
        return outcome;
    }

    private static async Task OneAsync(HttpClient http, string path, Outcome outcome, object gate, bool counted)
    {
        var started = Stopwatch.GetTimestamp();
        string? failure = null, description = null;
        byte[]? body = null;
        try
        {
            using var response = await http.GetAsync(path, HttpCompletionOption.ResponseContentRead);
            body = await response.Content.ReadAsByteArrayAsync(); // the whole answer has arrived
            if (!response.IsSuccessStatusCode)
            {
                failure = ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture);
                var text = System.Text.Encoding.UTF8.GetString(body);
                description = $"GET {path}: {failure} {(text.Length > 400 ? text[..400] + "…" : text)}";
            }
        }
        catch (HttpRequestException e)
        {
            failure = "connection";
            description = $"GET {path}: {e.Message}";
        }
        catch (TaskCanceledException)
        {
            failure = "timeout";
            description = $"GET {path}: no answer within {http.Timeout.TotalSeconds} s";
        }
        var ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        lock (gate)
        {
            if (failure is not null)
            {
                outcome.Failures[failure] = outcome.Failures.GetValueOrDefault(failure) + 1;
                outcome.FirstError ??= description;
                return;
            }
            if (!counted) return;
            outcome.Latencies.Add(ms);
            outcome.Bytes += body!.Length;
            outcome.FirstBody ??= body;
        }
    }

    private static bool Report(Probe probe, int clients, Outcome o)
    {
        var failures = o.Failures.Values.Sum();
        if (failures > 0)
            Console.Error.WriteLine($"FAILED: {probe.Measure} [{probe.Clock}; {probe.Filter}] × {clients}: {failures} request(s); first: {o.FirstError}");
        var (returned, total) = Shape(o.FirstBody);
        Console.WriteLine(JsonSerializer.Serialize(new
        {
            measure = probe.Measure,
            clock = probe.Clock,
            filter = probe.Filter,
            clients,
            requests = o.Latencies.Count,
            errors = failures,
            error_kinds = o.Failures,
            first_error = o.FirstError,
            p50_ms = Round(Percentile(o.Latencies, 50)),
            p95_ms = Round(Percentile(o.Latencies, 95)),
            p99_ms = Round(Percentile(o.Latencies, 99)),
            max_ms = Round(o.Latencies.Count > 0 ? o.Latencies[^1] : null),
            mean_ms = Round(o.Latencies.Count > 0 ? o.Latencies.Average() : null),
            requests_per_s = o.Seconds > 0 ? Math.Round(o.Latencies.Count / o.Seconds, 1) : 0,
            mean_bytes = o.Latencies.Count > 0 ? o.Bytes / o.Latencies.Count : 0,
            rows_returned = returned,
            total,
            seconds = Math.Round(o.Seconds, 2),
            warmup_requests = o.WarmupRequests,
            warmup_seconds = Math.Round(o.WarmupSeconds, 2),
            budget_spent = o.OutOfBudget,
        }));
        return failures > 0;
    }

    /// <summary>Rows in the first answer (rows, items, or a top-level array) and the total it claims, when it says.</summary>
    private static (int? Returned, long? Total) Shape(byte[]? body)
    {
        if (body is null || body.Length == 0) return (null, null);
        try
        {
            using var doc = JsonDocument.Parse(body);
            var root = doc.RootElement;
            if (root.ValueKind == JsonValueKind.Array) return (root.GetArrayLength(), null);
            if (root.ValueKind != JsonValueKind.Object) return (null, null);
            int? returned = null;
            foreach (var name in new[] { "rows", "items", "changes", "statements", "commitments", "transitions" })
                if (root.TryGetProperty(name, out var list) && list.ValueKind == JsonValueKind.Array)
                {
                    returned = list.GetArrayLength();
                    break;
                }
            long? total = root.TryGetProperty("total", out var t) && t.ValueKind == JsonValueKind.Number ? t.GetInt64() : null;
            return (returned, total);
        }
        catch (JsonException)
        {
            return (null, null);
        }
    }

    private static double? Percentile(List<double> sorted, double p) => sorted.Count == 0
        ? null
        : sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Count) - 1, 0, sorted.Count - 1)];

    private static double? Round(double? v) => v is { } x ? Math.Round(x, 2) : null;

    /// <summary>
    /// Full status exports in a format, streamed (CSV records counted; a workbook's rows are the CSV's, known from
    /// its run); the service's VmRSS sampled every 50 ms meanwhile, and its VmHWM (peak since the reset before the
    /// first export, where the kernel allows the reset). The workbook's time is also given over the CSV's.
    /// </summary>
    private static async Task<(bool Failed, long Rows, double Seconds)> ExportAsync(HttpClient http, Settings s, string format,
        long? rowsKnown, double? baselineSeconds, string? measure = null, string? path = null, string clockName = "now")
    {
        path ??= $"/api/reports/status?format={format}";
        var hwmReset = s.Pid is { } p0 && TryResetPeak(p0);
        var before = s.Pid is { } p1 ? Memory(p1) : default;
        var runs = new List<(double Seconds, double FirstByteMs, long Lines, long Bytes, long PeakRssKb)>();
        string? error = null;
        for (var run = 0; run < s.CsvRuns; run++)
        {
            Console.Error.Write($"  {measure ?? format + "-export"} ({clockName}), run {run + 1} of {s.CsvRuns}… ");
            using var sampling = new CancellationTokenSource();
            long peak = 0;
            var sampler = s.Pid is not { } pid ? Task.CompletedTask : Task.Run(async () =>
            {
                while (!sampling.IsCancellationRequested)
                {
                    var rss = Memory(pid).RssKb;
                    if (rss > Interlocked.Read(ref peak)) Interlocked.Exchange(ref peak, rss);
                    try { await Task.Delay(50, sampling.Token); } catch (TaskCanceledException) { }
                }
            });
            var clock = Stopwatch.StartNew();
            double firstByte = 0;
            long lines = 0, bytes = 0;
            var lastWasNewline = true;
            var quoted = false;
            try
            {
                using var response = await http.GetAsync(path, HttpCompletionOption.ResponseHeadersRead);
                firstByte = clock.Elapsed.TotalMilliseconds;
                if (!response.IsSuccessStatusCode)
                {
                    error = $"GET {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
                }
                else
                {
                    await using var stream = await response.Content.ReadAsStreamAsync();
                    var buffer = new byte[1 << 16];
                    int n;
                    while ((n = await stream.ReadAsync(buffer)) > 0)
                    {
                        bytes += n;
                        // Records, not lines: a quoted field holds line breaks of its own (cited_statements).
                        if (rowsKnown is null)
                            foreach (var b in buffer.AsSpan(0, n))
                                if (b == (byte)'"') quoted = !quoted;
                                else if (b == (byte)'\n' && !quoted) lines++;
                        lastWasNewline = buffer[n - 1] == (byte)'\n';
                    }
                    if (!lastWasNewline) lines++;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
            {
                error = $"GET {path}: {e.Message}";
            }
            var seconds = clock.Elapsed.TotalSeconds;
            await sampling.CancelAsync();
            await sampler;
            if (error is not null)
            {
                Console.Error.WriteLine($"FAILED: {error}");
                break;
            }
            runs.Add((seconds, firstByte, lines, bytes, Interlocked.Read(ref peak)));
            Console.Error.WriteLine($"{(rowsKnown ?? lines - 1):N0} rows, {bytes / 1024:N0} KiB in {seconds:0.00} s, peak VmRSS {peak / 1024} MiB");
        }
        var after = s.Pid is { } p2 ? Memory(p2) : default;
        var median = runs.Count > 0 ? runs.OrderBy(r => r.Seconds).ElementAt(runs.Count / 2) : default;
        var rows = runs.Count == 0 ? 0 : rowsKnown ?? Math.Max(0, median.Lines - 1); // the header line is not a row
        Console.WriteLine(JsonSerializer.Serialize(new
        {
            measure = measure ?? $"{format}-export",
            clock = clockName,
            filter = "none",
            clients = 1,
            requests = runs.Count,
            errors = error is null ? 0 : 1,
            first_error = error,
            rows,
            bytes = median.Bytes,
            seconds = Math.Round(median.Seconds, 2),
            first_byte_ms = Math.Round(median.FirstByteMs, 1),
            rows_per_s = median.Seconds > 0 ? Math.Round(rows / median.Seconds, 0) : 0,
            runs_seconds = runs.Select(r => Math.Round(r.Seconds, 2)),
            rss_before_mib = s.Pid is null ? (long?)null : before.RssKb / 1024,
            peak_rss_mib = s.Pid is null ? (long?)null : runs.Select(r => r.PeakRssKb).DefaultIfEmpty(0).Max() / 1024,
            vmhwm_mib = s.Pid is null ? (long?)null : after.HwmKb / 1024,
            vmhwm_reset_before = hwmReset,
            rss_after_mib = s.Pid is null ? (long?)null : after.RssKb / 1024,
            seconds_over_csv = baselineSeconds is > 0 && median.Seconds > 0 ? Math.Round(median.Seconds / baselineSeconds.Value, 2) : (double?)null,
        }));
        return (error is not null, rows, median.Seconds);
    }

    private static (long RssKb, long HwmKb) Memory(int pid)
    {
        long rss = 0, hwm = 0;
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal)) rss = Kb(line);
                else if (line.StartsWith("VmHWM:", StringComparison.Ordinal)) hwm = Kb(line);
            }
        }
        catch (IOException) { } // the process is gone
        return (rss, hwm);
        static long Kb(string line) => long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
    }

    /// <summary>"5" to clear_refs resets the peak RSS to the current RSS (Linux 4.0 and later, the process's owner).</summary>
    private static bool TryResetPeak(int pid)
    {
        try
        {
            File.WriteAllText($"/proc/{pid}/clear_refs", "5");
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
