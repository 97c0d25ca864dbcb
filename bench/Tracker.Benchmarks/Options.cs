namespace Tracker.Benchmarks;

/// <summary>One load pattern: how many clients record at once, and whether they share one agreement.</summary>
public sealed record Scenario(int Clients, bool SharedAgreement)
{
    public string Name => SharedAgreement
        ? $"record-{Clients}-clients-one-agreement"
        : $"record-{Clients}-client{(Clients == 1 ? "" : "s")}";

    /// <summary>"8" = 8 clients, one agreement each; "8:shared" = 8 clients on one agreement.</summary>
    public static Scenario Parse(string text)
    {
        var parts = text.Split(':', 2);
        if (!int.TryParse(parts[0], out var clients) || clients < 1 || parts.Length == 2 && parts[1] != "shared")
            throw new ArgumentException($"scenario '{text}': expected CLIENTS or CLIENTS:shared");
        return new Scenario(clients, parts.Length == 2);
    }
}

public sealed record Options(Uri BaseUrl, string Token, TimeSpan Duration, TimeSpan Warmup, IReadOnlyList<Scenario> Scenarios)
{
    public const string Usage = """
        Tracker.Benchmarks --url http://127.0.0.1:5080 [--token T] [--seconds 30] [--warmup S] [--scenarios 1,8,8:shared]
          --token      an analyst's token (default: $TRACKER_TOKEN)
          --seconds    how long each scenario is measured
          --warmup     recording before the measurement, not counted (default: a fifth of --seconds, 1 to 5 s)
          --scenarios  CLIENTS (one agreement per client) or CLIENTS:shared (all on one agreement), comma-separated
        Prints one JSON line per scenario; exits 1 if any request failed.
        """;

    public static Options Parse(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i += 2)
        {
            if (!args[i].StartsWith("--") || i + 1 >= args.Length) throw new ArgumentException($"unexpected '{args[i]}'");
            values[args[i][2..]] = args[i + 1];
        }
        string? Get(string name) => values.Remove(name, out var v) ? v : null;

        var url = Get("url") ?? throw new ArgumentException("--url is required");
        var token = Get("token") ?? Environment.GetEnvironmentVariable("TRACKER_TOKEN")
                    ?? throw new ArgumentException("--token or TRACKER_TOKEN is required");
        var seconds = double.Parse(Get("seconds") ?? "30", System.Globalization.CultureInfo.InvariantCulture);
        var warmup = Get("warmup") is { } w
            ? double.Parse(w, System.Globalization.CultureInfo.InvariantCulture)
            : Math.Clamp(seconds / 5, 1, 5);
        var scenarios = (Get("scenarios") ?? "1,8,8:shared").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(Scenario.Parse).ToList();
        if (values.Count > 0) throw new ArgumentException($"unknown option --{values.Keys.First()}");
        if (seconds <= 0) throw new ArgumentException("--seconds must be positive");

        return new Options(new Uri(url), token, TimeSpan.FromSeconds(seconds), TimeSpan.FromSeconds(warmup), scenarios);
    }
}
