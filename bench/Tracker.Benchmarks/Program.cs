using System.Text.Json;
using Tracker.Benchmarks;

// Recording throughput of a running Tracker over HTTP; bench/run.sh starts the service and compares these figures
// with raw PostgreSQL measured in the same run. Two more verbs, for bench/scale.sh: `generate` writes a large store
// as import files, `reads` measures read latencies against it.
if (args is ["generate", .. var generateArgs]) return Generator.Run(generateArgs);
if (args is ["reads", .. var readArgs]) return await ReadBench.MainAsync(readArgs);
if (args is ["pages", .. var pageArgs]) return await ReadBench.PagesAsync(pageArgs);
if (args is ["registry-file", .. var fileArgs]) return RegistryBench.File(fileArgs);
if (args is ["registry-reads", .. var registryArgs]) return await RegistryBench.ReadsAsync(registryArgs);
if (args is ["webhooks", .. var hookArgs]) return await WebhookBench.RunAsync(hookArgs);
if (args is ["review", .. var reviewArgs]) return await ReviewBench.RunAsync(reviewArgs);
if (args is ["sources", .. var sourceArgs]) return await SourcesBench.RunAsync(sourceArgs);

Options options;
try
{
    options = Options.Parse(args);
}
catch (Exception e) when (e is ArgumentException or FormatException)
{
    Console.Error.WriteLine($"{e.Message}\n\n{Options.Usage}");
    return 2;
}

// Agreement ids unique to this run: a repeated id would be an idempotent re-open of an already grown agreement.
var run = Guid.NewGuid().ToString("N")[..8];
var failed = false;
foreach (var scenario in options.Scenarios)
{
    using var http = TrackerClient.CreateHttp(options.BaseUrl, options.Token, scenario.Clients);
    var client = new TrackerClient(http);

    // Fresh agreements per scenario: each starts as small as the others, whatever ran before it.
    var agreements = Enumerable.Range(1, scenario.SharedAgreement ? 1 : scenario.Clients)
        .Select(i => $"bench-{run}-{scenario.Name}-{i}").ToList();
    foreach (var id in agreements) await client.OpenAsync(id);
    var perClient = Enumerable.Range(0, scenario.Clients).Select(i => agreements[i % agreements.Count]).ToList();

    // Warm-up (JIT, connection pools, caches) on the same agreements; not counted.
    var warmup = await LoadRun.RunAsync(client, perClient, options.Warmup);
    var measured = await LoadRun.RunAsync(client, perClient, options.Duration);

    var errors = warmup.ErrorCount + measured.ErrorCount;
    if (errors > 0)
    {
        failed = true;
        Console.Error.WriteLine($"{scenario.Name}: {errors} failed request(s); first: {measured.FirstError ?? warmup.FirstError}");
    }
    Console.WriteLine(JsonSerializer.Serialize(new
    {
        scenario = scenario.Name,
        clients = scenario.Clients,
        agreements = agreements.Count,
        seconds = Math.Round(measured.Elapsed.TotalSeconds, 2),
        requests = measured.Requests,
        requests_per_s = Math.Round(measured.RequestsPerSecond, 1),
        median_ms = measured.PercentileMs(50),
        p95_ms = measured.PercentileMs(95),
        p99_ms = measured.PercentileMs(99),
        errors = measured.ErrorCount,
        warmup_errors = warmup.ErrorCount,
        error_kinds = measured.Errors,
        // Every statement is kept in its agreement's stored copy, so how far they grew explains the figures.
        statements_per_agreement = (warmup.Requests + measured.Requests) / agreements.Count,
    }));
}
return failed ? 1 : 0;
