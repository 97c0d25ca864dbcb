namespace Tracker.Kernel;

/// <summary>
/// The two clocks every read takes: <c>AsOf</c> (valid time: only statements said by that date) and <c>KnownAt</c>
/// (record time: the tracker as it stood at that instant). Null means "latest" and "now"; they combine.
/// </summary>
public readonly record struct Clocks(DateOnly? AsOf = null, DateTimeOffset? KnownAt = null)
{
    public static readonly Clocks Now = new();
}
