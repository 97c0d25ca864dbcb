using Tracker.Agreements.Storage;
using Tracker.Kernel;

namespace Tracker.Import;

/// <summary>
/// Loads the shipped seed files (seeds/*.jsonl beside the executable) at start when Tracker:LoadSeeds is on.
/// Imports are idempotent, so a restart appends nothing.
/// </summary>
internal sealed class SeedLoader(Importer importer, IConfiguration configuration, ILogger<SeedLoader> logger) : IHostedService
{
    public const string User = "seed";

    public async Task StartAsync(CancellationToken ct)
    {
        if (!configuration.GetValue("Tracker:LoadSeeds", false)) return;
        var dir = configuration["Tracker:SeedDirectory"] ?? Path.Combine(AppContext.BaseDirectory, "seeds");
        var files = Directory.Exists(dir) ? Directory.GetFiles(dir, "*.jsonl").Order(StringComparer.Ordinal).ToList() : [];
        if (files.Count == 0)
        {
            logger.LogWarning("Tracker:LoadSeeds is on but {Dir} holds no .jsonl files", dir);
            return;
        }
        var result = await importer.ImportAsync(files, new Author(User, "seed-load"), ct: ct);
        if (!result.Succeeded)
            throw new InvalidOperationException("The seed files are invalid:\n" + string.Join("\n", result.Errors));
        logger.LogInformation("Seeds: {Appended} events appended, {Present} already present", result.Appended, result.AlreadyPresent);
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
}
