using JasperFx.Events;

namespace Tracker.Agreements.Storage;

/// <summary>
/// Marten fills the sequence numbers of a failed append with tombstone events on a stream of their own, so the
/// log has no gaps for the projection daemon to wait on. They record nothing: every reader of the raw log skips them.
/// </summary>
public static class Tombstones
{
    public const string StreamKey = "mt_tombstone";

    public static bool Is(IEvent e) => e.Data is Tombstone || e.StreamKey == StreamKey;
}
