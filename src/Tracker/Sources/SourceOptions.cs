namespace Tracker.Sources;

/// <summary>
/// <c>Tracker:Sources:*</c>. The defaults are the safety rules of a server that fetches URLs users give it (README,
/// "Captured sources"); tests allow their page server on 127.0.0.1 and shorten the waits.
/// </summary>
public sealed class SourceOptions
{
    public const string Section = "Tracker:Sources";

    /// <summary>Off for offline installations: statements are recorded as ever, nothing is fetched.</summary>
    public bool Capture { get; set; } = true;

    /// <summary>Whether sources may resolve to loopback, private, link-local and other internal addresses (tests only).</summary>
    public bool AllowPrivateTargets { get; set; }

    /// <summary>The ports a source URL may name; none given: 80 and 443. Configured ports replace those two rather than
    /// join them (configuration binding would otherwise keep the defaults beside <c>AllowedPorts:0</c>, and a test or
    /// benchmark that allows only its loopback page would still look public names up).</summary>
    public int[] AllowedPorts { get; set; } = [];

    public IReadOnlyList<int> Ports => AllowedPorts.Length > 0 ? AllowedPorts : [80, 443];

    /// <summary>One fetch, redirects included, from the first connection to the last byte.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(20);

    public long MaxBytes { get; set; } = 20L * 1024 * 1024;

    public int MaxRedirects { get; set; } = 5;

    public string UserAgent { get; set; } = "Tracker-SourceCapture/1 (+https://github.com/tracker; archives pages cited as evidence)";

    /// <summary>Whether a site's robots.txt is asked before its pages (for <see cref="RobotsAgent"/> and <c>*</c>).</summary>
    public bool RespectRobots { get; set; } = true;

    public string RobotsAgent { get; set; } = "Tracker-SourceCapture";

    /// <summary>Where links to captures' original bytes point (e.g. https://originals.example.org, a name that serves this
    /// same application): another origin, which the workbench's session cookie is never sent to. None: this origin, on
    /// its cookieless path (<see cref="Originals"/>).</summary>
    public string? OriginalsOrigin { get; set; }

    /// <summary>Sources are fetched again when their last capture is this many days old (drift); 0 turns it off.</summary>
    public int RecheckDays { get; set; } = 30;

    /// <summary>How often the scheduled recheck looks for sources older than <see cref="RecheckDays"/>.</summary>
    public TimeSpan RecheckEvery { get; set; } = TimeSpan.FromDays(1);

    /// <summary>How often the dispatcher and the capturers look for work when not woken.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>A claimed job left to its capturer this long; after it (the capturer died) another takes it again.</summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromSeconds(90);

    /// <summary>Captures one instance runs at the same time: few, so that capture stays in the background of recording on
    /// a small machine (bench/run.sh, "sources"); a backlog is caught up after a burst.</summary>
    public int Parallelism { get; set; } = 2;

    /// <summary>Attempts of a job that fails for a reason of ours (the database away); a fetch's own failure is its result.</summary>
    public int MaxAttempts { get; set; } = 5;
}
