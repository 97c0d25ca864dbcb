using System.Text;

namespace Tracker.Cli;

/// <summary>
/// The JasperFx command line announces every assembly it scans for commands ("Searching '…' for commands",
/// wrapped over several lines) on each start. It tells an analyst or operator nothing, so it is dropped; all else
/// the command line writes passes through unchanged.
/// </summary>
public sealed partial class DiscoveryChatterFilter(TextWriter inner) : TextWriter
{
    [System.Text.RegularExpressions.GeneratedRegex("\u001b\\[[0-9;]*m")]
    private static partial System.Text.RegularExpressions.Regex Colours();

    private readonly StringBuilder _line = new();
    private bool _inAnnouncement;

    public override Encoding Encoding => inner.Encoding;

    public override void Write(char value)
    {
        if (value != '\n')
        {
            _line.Append(value);
            return;
        }
        var line = _line.ToString();
        _line.Clear();
        var text = Colours().Replace(line, "").TrimEnd();
        if (_inAnnouncement || text.StartsWith("Searching '", StringComparison.Ordinal))
        {
            _inAnnouncement = !text.EndsWith("for commands", StringComparison.Ordinal);
            return;
        }
        inner.Write(line);
        inner.Write('\n');
    }

    public override void Write(string? value)
    {
        if (value is null) return;
        foreach (var c in value) Write(c);
    }

    public override void Flush()
    {
        if (_line.Length > 0 && !_inAnnouncement) inner.Write(_line.ToString());
        _line.Clear();
        inner.Flush();
    }
}
