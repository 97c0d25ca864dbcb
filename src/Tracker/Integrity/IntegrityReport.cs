namespace Tracker.Integrity;

/// <summary>How the chain first fails: the kinds a verifier tells apart.</summary>
public static class BreakKinds
{
    /// <summary>The event at this position no longer hashes to its row: data, type, time, author or ids changed.</summary>
    public const string DataChanged = "data-changed";
    /// <summary>The chain names an event the log no longer holds.</summary>
    public const string EventMissing = "event-missing";
    /// <summary>The event stored under the chained sequence number is another stream's or version's.</summary>
    public const string OrderChanged = "order-changed";
    /// <summary>A position has no hash row, or an event has none.</summary>
    public const string HashRowMissing = "hash-row-missing";
    /// <summary>A signed checkpoint is no longer extended by the chain: something at or before it changed, or the tail went.</summary>
    public const string CheckpointBroken = "checkpoint-broken";
}

public sealed record ChainBreak(string Kind, long Position, long? Sequence, string? StreamId, long? Version, string Detail);

public sealed record ChainGenesis(DateTimeOffset ChainedAt, long Backfilled, long? BackfilledThroughSequence);

public sealed record CheckpointCheck(long Position, string Hash, DateTimeOffset SignedAt, string Source, bool Extended, string Detail);

/// <summary>What verify says: either "N events verified, head H" or the first break, named.</summary>
public sealed record IntegrityReport(
    bool Intact,
    string Summary,
    string Scope,
    long Verified,
    long HeadPosition,
    long? HeadSequence,
    string? HeadHash,
    ChainBreak? Break,
    CheckpointCheck? Checkpoint,
    ChainGenesis? Genesis,
    double Seconds,
    double EventsPerSecond);
