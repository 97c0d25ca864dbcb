using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Tracker.Benchmarks;

/// <summary>
/// The registry at the size the field reaches: `registry-file` writes an import file of N companies (with aliases,
/// some in Cyrillic) and M people (with transliterated aliases and a role); `registry-reads` then times searches over
/// HTTP by code, name and alias fragments, one after the other, and prints p50/p95 per kind of search as JSON lines.
/// </summary>
public static class RegistryBench
{
    public const string Usage = """
        Tracker.Benchmarks registry-file --out FILE [--actors 10000] [--people 50000]
        Tracker.Benchmarks registry-reads --url URL --token T [--requests 300] [--actors 10000] [--people 50000]
        """;

    private static readonly string[] Syllables = ["ka", "ro", "vi", "len", "dor", "mi", "sha", "tek", "ul", "bra", "zan", "po", "ri", "gen", "val"];
    private static readonly string[] Cyrillic = ["ка", "ро", "ви", "лен", "дор", "ми", "ша", "тек", "ул", "бра", "зан", "по", "ри", "ген", "вал"];

    private static (string Latin, string Cyr) Word(int n)
    {
        var latin = ""; var cyr = "";
        for (var k = 0; k < 3; k++, n /= Syllables.Length)
        {
            latin += Syllables[n % Syllables.Length];
            cyr += Cyrillic[n % Syllables.Length];
        }
        return (char.ToUpperInvariant(latin[0]) + latin[1..], char.ToUpperInvariant(cyr[0]) + cyr[1..]);
    }

    public static int File(string[] args)
    {
        var o = Options(args);
        using var f = new StreamWriter(o["out"]);
        var actors = int.Parse(o.GetValueOrDefault("actors", "10000"));
        var people = int.Parse(o.GetValueOrDefault("people", "50000"));
        for (var i = 0; i < actors; i++)
        {
            var (latin, cyr) = Word(i);
            f.WriteLine(JsonSerializer.Serialize(new
            {
                type = "register-actor", actorId = $"CO{i:D5}", kind = "company", name = $"{latin} Industries {i}", country = "FRA",
                aliases = new[] { $"{latin} Group {i}", $"{cyr} {i}" },
            }));
        }
        for (var i = 0; i < people; i++)
        {
            var (first, firstCyr) = Word(i * 7 + 3);
            var (last, lastCyr) = Word(i);
            f.WriteLine(JsonSerializer.Serialize(new
            {
                type = "register-person", personId = $"p-{i}", name = $"{first} {last} {i}",
                aliases = new[] { $"{firstCyr} {lastCyr} {i}", $"{first} {last}ow {i}" },
                roles = new[] { new { role = "Minister of Defence", actor = "UKR", from = "2023-09-06" } },
            }));
        }
        return 0;
    }

    public static async Task<int> ReadsAsync(string[] args)
    {
        var o = Options(args);
        var requests = int.Parse(o.GetValueOrDefault("requests", "300"));
        var actors = int.Parse(o.GetValueOrDefault("actors", "10000"));
        var people = int.Parse(o.GetValueOrDefault("people", "50000"));
        using var http = new HttpClient { BaseAddress = new Uri(o["url"]) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", o["token"]);
        var random = new Random(7);
        (string Name, Func<string> Path)[] probes =
        [
            ("actors by code", () => $"/api/actors?q=CO{random.Next(actors):D5}"),
            ("actors by name fragment", () => $"/api/actors?q={Word(random.Next(actors)).Latin[..5]}"),
            ("actors by Cyrillic alias", () => $"/api/actors?q={Uri.EscapeDataString(Word(random.Next(actors)).Cyr)}"),
            ("people by name", () => { var i = random.Next(people); return $"/api/people?q={Uri.EscapeDataString($"{Word(i).Latin} {i}")}"; }),
            ("people by Cyrillic alias", () => { var i = random.Next(people); return $"/api/people?q={Uri.EscapeDataString($"{Word(i).Cyr} {i}")}"; }),
        ];
        var failed = false;
        foreach (var (name, path) in probes)
        {
            for (var w = 0; w < 5; w++) await http.GetStringAsync(path());
            var ms = new List<double>();
            for (var r = 0; r < requests; r++)
            {
                var watch = Stopwatch.StartNew();
                using var response = await http.GetAsync(path());
                await response.Content.ReadAsStringAsync();
                ms.Add(watch.Elapsed.TotalMilliseconds);
                if (!response.IsSuccessStatusCode) failed = true;
            }
            ms.Sort();
            double P(double p) => Math.Round(ms[Math.Clamp((int)Math.Ceiling(p / 100 * ms.Count) - 1, 0, ms.Count - 1)], 2);
            Console.WriteLine(JsonSerializer.Serialize(new { measure = "registry-search", probe = name, requests, p50_ms = P(50), p95_ms = P(95), max_ms = P(100) }));
        }
        return failed ? 1 : 0;
    }

    private static Dictionary<string, string> Options(string[] args)
    {
        var o = new Dictionary<string, string>();
        for (var i = 0; i + 1 < args.Length; i += 2) o[args[i].TrimStart('-')] = args[i + 1];
        return o;
    }
}
