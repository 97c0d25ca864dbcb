using System.Text.Json;

namespace Tracker.Benchmarks;

/// <summary>
/// Four-eyes review's cost on the write path (`review`): 1-client recording on an agreement without review and on one
/// that requires it (each write a proposal, 202), measured one after the other in the same run, as a ratio. A review
/// must cost the analyst who records nothing: the target ratio is 1.0 or more (within the run's noise).
/// </summary>
public static class ReviewBench
{
    public const string Usage = "Tracker.Benchmarks review --url URL --token T [--seconds 30]";

    public static async Task<int> RunAsync(string[] args)
    {
        var o = new Dictionary<string, string>();
        for (var i = 0; i + 1 < args.Length; i += 2) o[args[i].TrimStart('-')] = args[i + 1];
        var seconds = TimeSpan.FromSeconds(double.Parse(o.GetValueOrDefault("seconds", "30"), System.Globalization.CultureInfo.InvariantCulture));
        using var http = TrackerClient.CreateHttp(new Uri(o["url"]), o["token"], 1);
        var client = new TrackerClient(http);
        var run = Guid.NewGuid().ToString("N")[..8];

        // Each agreement gets its own warm-up, so both start equally grown and the JIT has seen both paths.
        var without = $"review-{run}-none";
        var with = $"review-{run}-required";
        await client.OpenAsync(without);
        await client.OpenAsync(with, review: "required");
        var warmup = TimeSpan.FromSeconds(Math.Min(5, seconds.TotalSeconds));
        await LoadRun.RunAsync(client, [without], warmup);
        await LoadRun.RunAsync(client, [with], warmup);
        var none = await LoadRun.RunAsync(client, [without], seconds);
        var required = await LoadRun.RunAsync(client, [with], seconds);

        Console.WriteLine(JsonSerializer.Serialize(new
        {
            measure = "review",
            record_per_s_without = Math.Round(none.RequestsPerSecond, 1), record_per_s_with = Math.Round(required.RequestsPerSecond, 1),
            throughput_ratio = Math.Round(required.RequestsPerSecond / none.RequestsPerSecond, 3),
            median_ms_without = none.PercentileMs(50), median_ms_with = required.PercentileMs(50),
            errors = none.ErrorCount + required.ErrorCount,
        }));
        return none.ErrorCount + required.ErrorCount == 0 ? 0 : 1;
    }
}
