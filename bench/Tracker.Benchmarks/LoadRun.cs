using System.Diagnostics;

namespace Tracker.Benchmarks;

/// <summary>What one scenario measured: latencies of the successful requests (ascending), failures by kind.</summary>
public sealed record Measurement(TimeSpan Elapsed, List<double> LatenciesMs, Dictionary<string, int> Errors, string? FirstError)
{
    public int Requests => LatenciesMs.Count;
    public double RequestsPerSecond => Requests / Elapsed.TotalSeconds;
    public int ErrorCount => Errors.Values.Sum();

    /// <summary>Nearest-rank percentile of the latencies (kept sorted), in ms to 0.01; null when nothing succeeded.</summary>
    public double? PercentileMs(double p) => LatenciesMs.Count == 0
        ? null
        : Math.Round(LatenciesMs[Math.Clamp((int)Math.Ceiling(p / 100 * LatenciesMs.Count) - 1, 0, LatenciesMs.Count - 1)], 2);
}

/// <summary>
/// Closed-loop load: each client sends its next request as soon as the previous one answers, until the time is up.
/// That measures the service's capacity at a given concurrency, not its behaviour under a fixed arrival rate.
/// </summary>
public static class LoadRun
{
    public static async Task<Measurement> RunAsync(TrackerClient client, IReadOnlyList<string> agreementPerClient,
        TimeSpan duration)
    {
        var clock = Stopwatch.StartNew();
        var results = await Task.WhenAll(agreementPerClient.Select(id => Task.Run(() => ClientAsync(client, id, clock, duration))));
        // The last requests started before the deadline and finished after it: count the time they took too.
        var elapsed = clock.Elapsed;

        var latencies = results.SelectMany(r => r.Latencies).Order().ToList();
        var errors = results.SelectMany(r => r.Errors)
            .GroupBy(e => e.Key).ToDictionary(g => g.Key, g => g.Sum(e => e.Value));
        return new Measurement(elapsed, latencies, errors, results.Select(r => r.FirstError).FirstOrDefault(e => e is not null));
    }

    private sealed record ClientResult(List<double> Latencies, Dictionary<string, int> Errors, string? FirstError);

    private static async Task<ClientResult> ClientAsync(TrackerClient client, string agreementId, Stopwatch clock,
        TimeSpan duration)
    {
        var latencies = new List<double>(capacity: 16_384);
        var errors = new Dictionary<string, int>();
        string? firstError = null;
        while (clock.Elapsed < duration)
        {
            var started = Stopwatch.GetTimestamp();
            string? failure;
            try
            {
                using var response = await client.RecordAsync(agreementId);
                // The status line is not enough: a request is done when its whole answer has arrived.
                if (response.IsSuccessStatusCode)
                {
                    await response.Content.LoadIntoBufferAsync();
                    failure = null;
                }
                else
                {
                    failure = ((int)response.StatusCode).ToString();
                    firstError ??= await TrackerClient.DescribeAsync(response);
                }
            }
            catch (HttpRequestException e)
            {
                failure = "connection";
                firstError ??= e.Message;
            }
            catch (TaskCanceledException e) // HttpClient's timeout
            {
                failure = "timeout";
                firstError ??= e.Message;
            }

            if (failure is null) latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            else errors[failure] = errors.GetValueOrDefault(failure) + 1;
        }
        return new ClientResult(latencies, errors, firstError);
    }
}
