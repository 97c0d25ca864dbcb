using Tracker.Agreements.Deciding;

namespace Tracker.Sources;

/// <summary>A W3C Web Annotation TextQuoteSelector: the quote as found in the captured text, with what surrounds it.</summary>
public sealed record TextQuoteSelector(string Exact, string Prefix, string Suffix)
{
    public string Type => "TextQuoteSelector";
}

/// <summary>Whether a statement's quote is in its captured source.</summary>
public static class QuoteState
{
    public const string Found = "found";
    public const string NotFound = "not-found";
    /// <summary>The record holds only a translation of what was said: the source's words cannot be looked for.</summary>
    public const string NotApplicable = "not-applicable";
    /// <summary>Nothing was captured (refused, failed, not a page): there was nothing to look in.</summary>
    public const string NotCaptured = "not-captured";
}

/// <summary>
/// One capture of a statement's source: what was fetched (final URL, HTTP status, content type, the SHA-256 of the
/// bytes kept in <c>source_blobs</c> and of the text extracted), whether the quote was found and where, why nothing was
/// kept when the fetch was refused or failed, and the drift it shows against the capture before it. Appended to the
/// agreement's sources stream (<see cref="SourceLog.StreamKey"/>), so it is in the hash chain: the bytes a capture
/// names are proved by their hash. <see cref="Round"/> 0 is the capture on record, later rounds the rechecks.
/// </summary>
public sealed record SourceCaptured(
    string AgreementId,
    Guid StatementId,
    string Url,
    int Round,
    DateTimeOffset FetchedAt,
    string? FinalUrl,
    int? Status,
    string? ContentType,
    string? Sha256,
    long? Length,
    string? TextSha256,
    string Quote,
    TextQuoteSelector? Selector,
    string? Refusal,
    string? Drift);

/// <summary>
/// The stream type of an agreement's sources stream, <c>sources:{agreementId}</c>. Captures are not appended to the
/// agreement's own stream: its version is what analysts' expectedVersion checks compare with, so a capture arriving
/// between an analyst's read and write would turn that write into a conflict; on their own stream they are chained and
/// attributed all the same, and take a turn of their own.
/// </summary>
public sealed class SourceLog
{
    public const string Prefix = "sources:";
    public string Id { get; set; } = "";
    public static string StreamKey(string agreementId) => Prefix + agreementId;
    public static IReadOnlyList<Type> EventTypes { get; } = [typeof(SourceCaptured), typeof(DocumentAttached)];
}

/// <summary>The user captures are attributed to (no person: the service itself, acting on a statement's record).</summary>
public static class SourceCapturer
{
    public const string User = "tracker-sources";
}

/// <summary>An agreement's own text (letter of intent, communiqué) attached to it: its bytes are in <c>source_blobs</c>.</summary>
public sealed record DocumentAttached(string AgreementId, Guid DocumentId, string FileName, string ContentType, string Sha256,
    long Length, string? TextSha256, string? Title);
