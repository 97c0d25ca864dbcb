using System.Buffers.Binary;

namespace Tracker.Reports;

/// <summary>
/// Writes the rows of a binary <c>COPY … TO STDOUT</c> of one text column to a stream, each row's bytes as they are
/// (UTF-8 text, nothing between rows), in writes of 64 KiB: a response body then gets a few large chunks rather than
/// one per record. Binary rather than text COPY because text COPY escapes the line breaks a record holds.
/// </summary>
internal sealed class CopyRecords(Stream output)
{
    private const int Size = 1 << 16;
    private readonly byte[] _out = new byte[Size];
    private int _used;

    private readonly byte[] _in = new byte[Size];
    private int _start, _end;

    public async ValueTask WriteAsync(ReadOnlyMemory<byte> bytes, CancellationToken ct)
    {
        while (bytes.Length > 0)
        {
            if (_used == Size) await SendAsync(ct);
            var n = Math.Min(bytes.Length, Size - _used);
            bytes[..n].CopyTo(_out.AsMemory(_used));
            _used += n;
            bytes = bytes[n..];
        }
    }

    public async Task CopyFromAsync(Stream copy, CancellationToken ct)
    {
        // Header: an 11-byte signature, 32-bit flags, then a header extension of the given length.
        await NeedAsync(copy, 19, ct);
        if (!IsSignature(_in.AsSpan(_start, 11)))
            throw new InvalidDataException("not a binary COPY stream");
        var extension = BinaryPrimitives.ReadInt32BigEndian(_in.AsSpan(_start + 15, 4));
        _start += 19;
        await SkipAsync(copy, extension, ct);
        while (true)
        {
            await NeedAsync(copy, 2, ct);
            var fields = BinaryPrimitives.ReadInt16BigEndian(_in.AsSpan(_start, 2));
            _start += 2;
            if (fields == -1) return;
            if (fields != 1) throw new InvalidDataException($"a COPY row of {fields} fields; one was expected");
            await NeedAsync(copy, 4, ct);
            var length = BinaryPrimitives.ReadInt32BigEndian(_in.AsSpan(_start, 4));
            _start += 4;
            // A record is never null (concat gives text); -1 would be, and is written as nothing.
            while (length > 0)
            {
                if (_start == _end) await FillAsync(copy, ct);
                var n = Math.Min(length, _end - _start);
                await WriteAsync(_in.AsMemory(_start, n), ct);
                _start += n;
                length -= n;
            }
        }
    }

    private static bool IsSignature(ReadOnlySpan<byte> bytes) =>
        bytes is [(byte)'P', (byte)'G', (byte)'C', (byte)'O', (byte)'P', (byte)'Y', (byte)'\n', 0xff, (byte)'\r', (byte)'\n', 0];

    public async Task FlushAsync(CancellationToken ct)
    {
        await SendAsync(ct);
        await output.FlushAsync(ct);
    }

    private async ValueTask SendAsync(CancellationToken ct)
    {
        if (_used == 0) return;
        await output.WriteAsync(_out.AsMemory(0, _used), ct);
        _used = 0;
    }

    private async ValueTask NeedAsync(Stream copy, int count, CancellationToken ct)
    {
        if (_end - _start >= count) return;
        Array.Copy(_in, _start, _in, 0, _end - _start);
        _end -= _start;
        _start = 0;
        while (_end < count)
        {
            var n = await copy.ReadAsync(_in.AsMemory(_end), ct);
            if (n == 0) throw new EndOfStreamException("the COPY stream ended inside a row");
            _end += n;
        }
    }

    private async ValueTask FillAsync(Stream copy, CancellationToken ct)
    {
        _start = _end = 0;
        _end = await copy.ReadAsync(_in, ct);
        if (_end == 0) throw new EndOfStreamException("the COPY stream ended inside a row");
    }

    private async ValueTask SkipAsync(Stream copy, int count, CancellationToken ct)
    {
        while (count > 0)
        {
            if (_start == _end) await FillAsync(copy, ct);
            var n = Math.Min(count, _end - _start);
            _start += n;
            count -= n;
        }
    }
}
