using Microsoft.AspNetCore.Mvc;
using Npgsql;
using Tracker.Http;
using Wolverine.Http;

namespace Tracker.Sources;

/// <summary>One capture as the API shows it, with the words shown beside the statement.</summary>
public sealed record CaptureView(string Url, int Round, DateTimeOffset FetchedAt, string? FinalUrl, int? Status, string? ContentType,
    string? Sha256, string Quote, TextQuoteSelector? Selector, string? Refusal, string? Drift, string Shown, string? TextLink);

/// <summary>One page of a statement's captures, newest first, with how many there are in all.</summary>
public sealed record StatementCaptures(string AgreementId, Guid StatementId, IReadOnlyList<CaptureView> Captures, int Page, int PageSize, int Total);

public sealed record CapturedText(string Sha256, string ContentType, string? Text);

public static class CaptureEndpoints
{
    [EndpointSummary("A statement's captured sources, newest first: hash, status, whether the quote was found (and where), drift"),
     WolverineGet("/api/agreements/{agreementId}/statements/{statementId}/captures")]
    public static async Task<Found<StatementCaptures>> OfStatement(string agreementId, string statementId, NpgsqlDataSource dataSource,
        int? page, int? pageSize, CancellationToken ct)
    {
        var errors = new List<Kernel.FieldError>();
        if (!Guid.TryParse(statementId, out var id)) errors.Add(new("statementId", "is not a GUID"));
        var paging = Paging.Parse(page, pageSize, errors);
        if (errors.Count > 0) return new(Problems.Invalid(errors));
        var (rows, total) = await SourceCaptures.OfStatementAsync(dataSource, agreementId, id, paging, ct);
        if (total == 0)
            return new(Problems.NotFound($"statement {id} of agreement '{agreementId}' has no captured source (yet, or none is cited)"));
        return new(Results.Ok(new StatementCaptures(agreementId, id, rows.Select(r => new CaptureView(r.Url, r.Round, r.FetchedAt, r.FinalUrl,
            r.Status, r.ContentType, r.Sha256, r.Quote, r.Selector, r.Refusal, r.Drift,
            Agreements.SourceCheck.Describe(r.Quote, r.Refusal, r.Drift, DocumentCitation.Parse(r.Url) is not null),
            r.Sha256 is { } h ? $"/api/captures/{h}/text" : null)).ToList(), paging.Page, paging.Size, total)));
    }

    [EndpointSummary("The text extracted from captured or uploaded bytes, by their SHA-256 (hex)"), WolverineGet("/api/captures/{sha256}/text")]
    public static async Task<Found<CapturedText>> Text(string sha256, NpgsqlDataSource dataSource, CancellationToken ct)
    {
        if (sha256.Length != 64 || !sha256.All(Uri.IsHexDigit)) return new(Problems.Invalid("sha256", "is not a SHA-256 in hex (64 digits)"));
        return await SourceBlobs.GetAsync(dataSource, sha256.ToLowerInvariant(), withBytes: false, ct) is { } blob
            ? new(Results.Ok(new CapturedText(sha256.ToLowerInvariant(), blob.ContentType, blob.Text)))
            : new(Problems.NotFound($"nothing captured has SHA-256 {sha256}"));
    }

    /// <summary>
    /// The bytes as captured, for a reader who needs the original. Served under <c>Content-Security-Policy: sandbox</c>
    /// (a unique origin: no scripts, no forms, no plugins, nothing of this site reachable as itself), never sniffed, and
    /// as an attachment unless it is a page or a PDF. The API authenticates by bearer token only, never by the workbench's
    /// cookie; a browser user opens originals from their cookieless path instead (<see cref="Originals"/>).
    /// </summary>
    [EndpointSummary("The original bytes of a capture, sandboxed (Content-Security-Policy: sandbox)"), WolverineGet("/api/captures/{sha256}/original")]
    public static async Task<Found<byte[]>> Original(string sha256, NpgsqlDataSource dataSource, HttpResponse response, CancellationToken ct)
    {
        if (sha256.Length != 64 || !sha256.All(Uri.IsHexDigit)) return new(Problems.Invalid("sha256", "is not a SHA-256 in hex (64 digits)"));
        if (await SourceBlobs.GetAsync(dataSource, sha256.ToLowerInvariant(), withBytes: true, ct) is not { } blob)
            return new(Problems.NotFound($"nothing captured has SHA-256 {sha256}"));
        Sandbox(response.Headers);
        var inline = blob.ContentType is "text/html" or "application/pdf" or "text/plain";
        return new(Results.File(blob.Bytes, blob.ContentType, inline ? null : $"{sha256[..16]}.bin"));
    }

    public static void Sandbox(IHeaderDictionary headers)
    {
        headers.ContentSecurityPolicy = "sandbox; default-src 'none'; img-src data:; style-src 'unsafe-inline'";
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        headers["Cross-Origin-Resource-Policy"] = "same-origin";
    }
}
