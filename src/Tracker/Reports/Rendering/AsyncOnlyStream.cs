namespace Tracker.Reports.Rendering;

/// <summary>
/// A write-only stream for a destination that refuses synchronous writes (Kestrel's response body): asynchronous
/// writes go straight through; the few small synchronous ones (the zip writer's data descriptors and, when it closes,
/// its central directory: a few dozen bytes per entry) are held and sent ahead of the next asynchronous write or flush.
/// Call <see cref="FlushAsync(CancellationToken)"/> after the writer is disposed.
/// </summary>
internal sealed class AsyncOnlyStream(Stream inner) : Stream
{
    /// <summary>More than this written synchronously means the writer no longer writes asynchronously: fail loudly
    /// rather than hold the whole file in memory.</summary>
    private const int MaxHeld = 1 << 20;

    private readonly MemoryStream _held = new();

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        if (_held.Length + buffer.Length > MaxHeld)
            throw new InvalidOperationException($"more than {MaxHeld} bytes written synchronously to a stream that takes only asynchronous writes");
        _held.Write(buffer);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        await SendHeldAsync(cancellationToken);
        await inner.WriteAsync(buffer, cancellationToken);
    }

    public override async Task FlushAsync(CancellationToken cancellationToken)
    {
        await SendHeldAsync(cancellationToken);
        await inner.FlushAsync(cancellationToken);
    }

    /// <summary>Nothing: a synchronous flush would write synchronously. What is held goes with the next asynchronous write.</summary>
    public override void Flush() { }

    private async ValueTask SendHeldAsync(CancellationToken ct)
    {
        if (_held.Length == 0) return;
        await inner.WriteAsync(_held.GetBuffer().AsMemory(0, (int)_held.Length), ct);
        _held.SetLength(0);
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}
