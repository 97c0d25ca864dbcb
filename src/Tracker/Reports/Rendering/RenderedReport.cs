using System.Text;

namespace Tracker.Reports.Rendering;

/// <summary>A report as text in one format, with what a transport needs to send or save it.</summary>
public sealed record RenderedReport(string Text, ReportFormat Format, string FileName)
{
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>
    /// The bytes of a response or a saved file: UTF-8, and for CSV preceded by a byte-order mark. Excel takes a CSV
    /// without one for the machine's legacy code page and garbles "Sébastien" or "Умєров"; every other consumer we
    /// know (pandas, R, LibreOffice, csvkit) skips the mark. The other formats carry no mark: JSON must not (RFC 8259),
    /// and HTML and Markdown declare or assume UTF-8. Text printed to a terminal or pipe never gets one.
    /// </summary>
    public byte[] ToBytes()
    {
        var body = Utf8.GetBytes(Text);
        if (Format != ReportFormat.Csv) return body;
        return [.. Encoding.UTF8.Preamble, .. body];
    }
}
