using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace Tracker.Following;

/// <summary>
/// A place in the feed: everything up to and including the entry (<see cref="Position"/>, <see cref="Slot"/>) has been
/// read. <see cref="Position"/> is the chain position of the entry's event (commit order), <see cref="Slot"/> its place
/// among that event's entries. Sent as an opaque token so that what it holds can change with a new version prefix.
/// </summary>
public readonly record struct FeedCursor(long Position, long Slot)
{
    public static readonly FeedCursor Start = new(0, 0);
    private const string Version = "f1";

    public override string ToString() =>
        Base64Url.EncodeToString(Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{Version}.{Position}.{Slot}")));

    public static bool TryParse(string? text, out FeedCursor cursor)
    {
        cursor = Start;
        if (string.IsNullOrEmpty(text)) return true;
        if (text.Length > 64) return false;
        byte[] bytes;
        try { bytes = Base64Url.DecodeFromChars(text); }
        catch (FormatException) { return false; }
        var parts = Encoding.ASCII.GetString(bytes).Split('.');
        if (parts.Length != 3 || parts[0] != Version
            || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var position)
            || !long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var slot))
            return false;
        cursor = new FeedCursor(position, slot);
        return true;
    }
}
