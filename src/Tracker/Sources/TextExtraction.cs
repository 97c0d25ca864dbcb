using System.Text;
using AngleSharp.Html.Parser;
using UglyToad.PdfPig;

namespace Tracker.Sources;

/// <summary>
/// The text of captured bytes, by what they are: a web page's main content (SmartReader, Mozilla Readability's
/// method; the whole body's text when it finds no article), a PDF's text page by page (PdfPig), plain text as it is.
/// Anything else has no text (null): its bytes are kept, its quote reported as not found.
/// </summary>
public static class TextExtraction
{
    public static string? Extract(byte[] bytes, string? contentType, string? url)
    {
        var type = (contentType ?? Sniff(bytes)).ToLowerInvariant();
        try
        {
            if (type is "text/html" or "application/xhtml+xml") return Html(Decode(bytes), url);
            if (type == "application/pdf") return Pdf(bytes);
            if (type.StartsWith("text/", StringComparison.Ordinal)) return Decode(bytes);
        }
        catch (Exception)
        {
            // A malformed document has no text we can vouch for; its bytes are still kept and hashed.
            return null;
        }
        return null;
    }

    private static string Sniff(byte[] bytes) =>
        bytes.AsSpan().StartsWith("%PDF-"u8) ? "application/pdf" : "application/octet-stream";

    private static string Decode(byte[] bytes) => Encoding.UTF8.GetString(bytes);

    private static string Html(string html, string? url)
    {
        try
        {
            var article = SmartReader.Reader.ParseArticle(url ?? "https://capture.invalid/", html);
            if (article.IsReadable && !string.IsNullOrWhiteSpace(article.TextContent)) return article.TextContent.Trim();
        }
        catch (Exception)
        {
            // Readability gave up on this page: the body's text below still holds every word.
        }
        var document = new HtmlParser().ParseDocument(html);
        foreach (var hidden in document.QuerySelectorAll("script, style, noscript, template").ToList()) hidden.Remove();
        return (document.Body?.TextContent ?? document.DocumentElement.TextContent).Trim();
    }

    private static string Pdf(byte[] bytes)
    {
        using var pdf = PdfDocument.Open(bytes);
        var text = new StringBuilder();
        foreach (var page in pdf.GetPages())
        {
            if (text.Length > 0) text.Append("\n\n");
            text.Append(UglyToad.PdfPig.DocumentLayoutAnalysis.TextExtractor.ContentOrderTextExtractor.GetText(page));
        }
        return text.ToString();
    }
}
