using System.Text;

namespace Tracker.Import;

/// <summary>
/// Reads lines from a file, decoding each line on its own with a strict UTF-8 decoder. A stream reader decodes
/// whole buffers ahead of the line it hands out, so bad bytes would be blamed on an earlier line; here they are
/// blamed on the line that holds them, and the lines after it can still be read.
/// </summary>
public sealed class StrictUtf8LineReader(Stream stream) : TextReader
{
    private static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
    private readonly byte[] _buffer = new byte[1 << 16];
    private readonly MemoryStream _line = new();
    private int _position, _length;
    private bool _started, _ended;

    public static StrictUtf8LineReader Open(string path) =>
        new(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, useAsync: true));

    /// <exception cref="DecoderFallbackException">This line is not valid UTF-8; the next call reads the next line.</exception>
    public override async ValueTask<string?> ReadLineAsync(CancellationToken ct)
    {
        if (_ended) return null;
        _line.SetLength(0);
        while (true)
        {
            if (_position == _length)
            {
                _length = await stream.ReadAsync(_buffer, ct);
                _position = 0;
                if (_length == 0)
                {
                    _ended = true;
                    return _line.Length == 0 ? null : Decode();
                }
                if (!_started) SkipByteOrderMark();
            }
            var newline = Array.IndexOf(_buffer, (byte)'\n', _position, _length - _position);
            if (newline < 0)
            {
                _line.Write(_buffer, _position, _length - _position);
                _position = _length;
                continue;
            }
            _line.Write(_buffer, _position, newline - _position);
            _position = newline + 1;
            return Decode();
        }
    }

    public override string? ReadLine() => ReadLineAsync(CancellationToken.None).AsTask().GetAwaiter().GetResult();

    private void SkipByteOrderMark()
    {
        _started = true;
        if (_length >= 3 && _buffer[0] == 0xEF && _buffer[1] == 0xBB && _buffer[2] == 0xBF) _position = 3;
    }

    private string Decode()
    {
        var bytes = _line.GetBuffer().AsSpan(0, (int)_line.Length);
        if (bytes.Length > 0 && bytes[^1] == (byte)'\r') bytes = bytes[..^1];
        return Strict.GetString(bytes);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) stream.Dispose();
        base.Dispose(disposing);
    }
}
