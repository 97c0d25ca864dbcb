using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Tracker.Integrity;

/// <summary>The fields of a stored event that the chain covers, as PostgreSQL stores them.</summary>
public readonly record struct ChainedEvent(
    long Sequence, string? StreamId, long Version, string Type, DateTime TimestampUtc, string? UserName,
    string? CorrelationId, string? CausationId, byte[]? Headers, byte[] Data);

/// <summary>
/// The canonical encoding of an event in the chain, the same as tracker.event_chain_hash (migration 0006) and
/// tools/verify_chain.py compute: SHA-256 over "tracker-event-chain-v1", the previous hash (32 bytes), then each
/// field as its UTF-8 length (8 bytes, big-endian; -1 for NULL) and bytes. Numbers are decimal text, the timestamp
/// is UTC with microseconds (2025-06-05T10:11:12.123456Z, or -infinity / infinity), headers and data are PostgreSQL's
/// jsonb text, read as the UTF-8 bytes PostgreSQL sends (never decoded and encoded again: they are most of what a verify
/// reads).
/// </summary>
public sealed class ChainEncoding
{
    public const int HashLength = 32;
    public static readonly byte[] Genesis = new byte[HashLength];
    private static readonly byte[] Domain = "tracker-event-chain-v1"u8.ToArray();

    private byte[] _buffer = new byte[16 * 1024];
    private int _length;

    /// <summary>
    /// Npgsql reads PostgreSQL's -infinity and infinity (Marten dates its tombstones -infinity) as the extreme
    /// DateTimes; the encoding names them as PostgreSQL does.
    /// </summary>
    public static string TimestampText(DateTime utc) =>
        utc == DateTime.MinValue ? "-infinity"
        : utc == DateTime.MaxValue ? "infinity"
        : utc.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

    /// <summary>The hash of <paramref name="e"/> chained after <paramref name="previous"/>, written to <paramref name="hash"/>.</summary>
    public void Hash(ReadOnlySpan<byte> previous, in ChainedEvent e, Span<byte> hash)
    {
        _length = 0;
        Append(Domain);
        Append(previous);
        Span<char> number = stackalloc char[24];
        Field(e.Sequence, number);
        Field(e.StreamId);
        Field(e.Version, number);
        Field(e.Type);
        Field(TimestampText(e.TimestampUtc));
        Field(e.UserName);
        Field(e.CorrelationId);
        Field(e.CausationId);
        Field(e.Headers);
        Field(e.Data);
        SHA256.HashData(_buffer.AsSpan(0, _length), hash);
    }

    public byte[] Hash(ReadOnlySpan<byte> previous, in ChainedEvent e)
    {
        var hash = new byte[HashLength];
        Hash(previous, e, hash);
        return hash;
    }

    private void Field(long value, Span<char> scratch)
    {
        value.TryFormat(scratch, out var written, provider: CultureInfo.InvariantCulture);
        Field(scratch[..written]);
    }

    private void Field(byte[]? value)
    {
        if (value is null)
        {
            Length(-1);
            return;
        }
        Length(value.Length);
        Append(value);
    }

    private void Field(string? value)
    {
        if (value is null)
        {
            Length(-1);
            return;
        }
        Field(value.AsSpan());
    }

    private void Field(ReadOnlySpan<char> value)
    {
        var bytes = Encoding.UTF8.GetByteCount(value);
        Length(bytes);
        Ensure(bytes);
        _length += Encoding.UTF8.GetBytes(value, _buffer.AsSpan(_length));
    }

    private void Length(long value)
    {
        Ensure(8);
        BinaryPrimitives.WriteInt64BigEndian(_buffer.AsSpan(_length, 8), value);
        _length += 8;
    }

    private void Append(ReadOnlySpan<byte> bytes)
    {
        Ensure(bytes.Length);
        bytes.CopyTo(_buffer.AsSpan(_length));
        _length += bytes.Length;
    }

    private void Ensure(int more)
    {
        if (_length + more <= _buffer.Length) return;
        Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + more));
    }
}
