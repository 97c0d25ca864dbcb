using System.Text;
using System.Xml;
using Marten;
using Npgsql;
using Tracker.Portfolio;

namespace Tracker.Following;

/// <summary>
/// Atom 1.0 feeds a feed reader polls without a session, the user's feed key in the URL (<see cref="FeedKeys"/>): the
/// user's watchlist, and one agreement. An unknown, rotated or revoked key, or an unknown agreement, is a 404.
/// </summary>
public static class AtomFeeds
{
    public const string ContentType = "application/atom+xml; charset=utf-8";
    private const string Atom = "http://www.w3.org/2005/Atom";

    public static string FollowingPath(string key) => $"/feeds/{Uri.EscapeDataString(key)}/following.atom";
    public static string AgreementPath(string key, string agreementId) => $"/feeds/{Uri.EscapeDataString(key)}/agreements/{agreementId}.atom";

    public static WebApplication MapAtomFeeds(this WebApplication app)
    {
        app.MapGet("/feeds/{feedKey}/following.atom", Following).AllowAnonymous().ExcludeFromDescription();
        app.MapGet("/feeds/{feedKey}/agreements/{agreementId}.atom", Agreement).AllowAnonymous().ExcludeFromDescription();
        return app;
    }

    private static async Task<IResult> Following(string feedKey, HttpContext http, NpgsqlDataSource dataSource, IDocumentStore store,
        CancellationToken ct)
    {
        if (await FeedKeys.UserOfAsync(dataSource, store, feedKey, ct) is not { } user) return NotFound();
        var changes = await FollowedChanges.ForUserAsync(dataSource, user, null, FollowedChanges.PageSize, ct);
        return Render(http, $"urn:tracker:following:{user}", $"Tracker: what {user} follows", "/following", changes);
    }

    private static async Task<IResult> Agreement(string feedKey, string agreementId, HttpContext http, NpgsqlDataSource dataSource,
        IDocumentStore store, PortfolioReads portfolio, CancellationToken ct)
    {
        if (await FeedKeys.UserOfAsync(dataSource, store, feedKey, ct) is null) return NotFound();
        if (await portfolio.UnknownAgreementAsync(agreementId, ct) is not null) return NotFound();
        var changes = await FollowedChanges.ForAgreementAsync(dataSource, agreementId, null, FollowedChanges.PageSize, ct);
        return Render(http, $"urn:tracker:agreement:{agreementId}", $"Tracker: {agreementId}",
            $"/agreements/{Uri.EscapeDataString(agreementId)}", changes);
    }

    private static IResult NotFound() => Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found",
        detail: "No feed at this address: the key may have been rotated or its user revoked.");

    private static IResult Render(HttpContext http, string id, string title, string page, IReadOnlyList<FollowedChange> changes)
    {
        var origin = $"{http.Request.Scheme}://{http.Request.Host}";
        var self = origin + http.Request.PathBase + http.Request.Path;
        return Results.Bytes(Write(id, title, self, origin + page, origin, changes), ContentType);
    }

    /// <summary>The feed as Atom 1.0; every value is written through <see cref="XmlWriter"/>, which escapes it.</summary>
    public static byte[] Write(string id, string title, string self, string alternate, string origin, IReadOnlyList<FollowedChange> changes)
    {
        using var stream = new MemoryStream();
        var settings = new XmlWriterSettings { Encoding = new UTF8Encoding(false), Indent = true, CheckCharacters = true };
        using (var xml = XmlWriter.Create(stream, settings))
        {
            xml.WriteStartDocument();
            xml.WriteStartElement("feed", Atom);
            xml.WriteElementString("id", Atom, id);
            xml.WriteElementString("title", Atom, title);
            xml.WriteElementString("updated", Atom, Instant(changes.Count > 0 ? changes.Max(c => c.RecordedAt) : DateTimeOffset.UtcNow));
            Link(xml, "self", self, "application/atom+xml");
            Link(xml, "alternate", alternate, "text/html");
            xml.WriteStartElement("author", Atom);
            xml.WriteElementString("name", Atom, "Tracker");
            xml.WriteEndElement();
            foreach (var change in changes)
            {
                xml.WriteStartElement("entry", Atom);
                xml.WriteElementString("id", Atom, $"urn:tracker:change:{change.Sequence}:{change.Slot}");
                xml.WriteElementString("title", Atom, Clean(change.Title));
                xml.WriteElementString("updated", Atom, Instant(change.RecordedAt));
                Link(xml, "alternate", origin + change.Page, "text/html");
                if (change.Reason is { } reason) xml.WriteElementString("summary", Atom, Clean("Reason: " + reason));
                xml.WriteStartElement("content", Atom);
                xml.WriteAttributeString("type", "text");
                xml.WriteString(Clean(change.Quote ?? ""));
                xml.WriteEndElement();
                xml.WriteEndElement();
            }
            xml.WriteEndElement();
        }
        return stream.ToArray();
    }

    private static void Link(XmlWriter xml, string rel, string href, string type)
    {
        xml.WriteStartElement("link", Atom);
        xml.WriteAttributeString("rel", rel);
        xml.WriteAttributeString("type", type);
        xml.WriteAttributeString("href", href);
        xml.WriteEndElement();
    }

    private static string Instant(DateTimeOffset t) => t.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Drops what XML 1.0 cannot carry at all (control characters, lone surrogates); escaping does the rest.</summary>
    private static string Clean(string text)
    {
        var clean = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])) clean.Append(text, i++, 2);
            else if (XmlConvert.IsXmlChar(text[i])) clean.Append(text[i]);
        }
        return clean.ToString();
    }
}
