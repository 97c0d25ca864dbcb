using System.Reflection;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;
using Npgsql;
using Tracker.Agreements;
using Tracker.Agreements.Storage;
using Tracker.Http;
using Tracker.Infrastructure;
using Tracker.Security;
using Wolverine.Http;
using SessionOptions = Marten.Services.SessionOptions;

namespace Tracker.Sources;

public sealed record AgreementDocument(Guid DocumentId, string FileName, string? Title, string ContentType, string Sha256, long Length,
    DateTimeOffset AttachedAt, string AttachedBy, string TextLink);

/// <summary>One page of an agreement's documents, newest first, with how many there are in all.</summary>
public sealed record AgreementDocuments(string AgreementId, IReadOnlyList<AgreementDocument> Documents, int Page, int PageSize, int Total);

/// <summary>A document found by search: the agreement it belongs to and a stretch of its text around the match.</summary>
public sealed record DocumentHit(string AgreementId, Guid DocumentId, string FileName, string? Title, string Sha256, string Headline);

/// <summary>An upload's answer: 201 with the document, or 400/404/413/415 as problems.</summary>
public sealed class Attached(IResult result) : Answer(result), IEndpointMetadataProvider
{
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder)
    {
        builder.Metadata.Add(new Produces(StatusCodes.Status201Created, typeof(AgreementDocument), ["application/json"]));
        foreach (var (status, type) in new[] { (400, typeof(HttpValidationProblemDetails)), (404, typeof(ProblemDetails)),
                     (413, typeof(ProblemDetails)), (415, typeof(ProblemDetails)) })
            builder.Metadata.Add(new Produces(status, type, [ProblemContentType]));
    }
}

/// <summary>
/// An agreement's own texts (the letter of intent, the communiqué): uploaded as multipart (≤ 20 MB; PDF, HTML or
/// text), hashed and stored like a capture, their text extracted and searchable, attached by a
/// <see cref="DocumentAttached"/> event on the agreement's sources stream (so 'verify' proves their bytes).
/// </summary>
public static class Documents
{
    public const long MaxBytes = 20L * 1024 * 1024;
    public const string Table = CitedDocuments.Table;
    private static readonly string[] Types = ["application/pdf", "text/html", "text/plain"];

    [EndpointSummary("Attach a document to an agreement (multipart/form-data: file, optional title; PDF, HTML or text, at most 20 MB)"),
     WolverinePost("/api/agreements/{agreementId}/documents"), Authorize(Policy = Roles.Policies.CanWrite)]
    public static async Task<Attached> Upload(string agreementId, HttpContext http, IDocumentStore store, NpgsqlDataSource dataSource,
        CancellationToken ct)
    {
        var request = http.Request;
        if (!request.HasFormContentType || !(request.ContentType ?? "").StartsWith("multipart/form-data", StringComparison.OrdinalIgnoreCase))
            // A body that is no upload is held to the API's limit for JSON bodies.
            return new(request.ContentLength > TrackerHost.MaxRequestBodyBytes ? Problems.TooLarge() : Problems.UnsupportedMediaType());
        if (request.ContentLength > MaxBytes + 64 * 1024) return new(Problems.TooLarge());
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit) limit.MaxRequestBodySize = MaxBytes + 64 * 1024;
        IFormCollection form;
        try
        {
            form = await request.ReadFormAsync(new FormOptions { MultipartBodyLengthLimit = MaxBytes + 64 * 1024 }, ct);
        }
        catch (Exception e) when (e is InvalidDataException or BadHttpRequestException or IOException)
        {
            return new(e is BadHttpRequestException { StatusCode: 413 } || e.Message.Contains("limit", StringComparison.OrdinalIgnoreCase)
                ? Problems.TooLarge() : Problems.Invalid("body", "is not a readable multipart/form-data upload"));
        }
        var outcome = await AttachAsync(agreementId, form.Files.GetFile("file"), form["title"].ToString(), http.Author(), store, dataSource, ct);
        return new(outcome.Status switch
        {
            201 => Results.Created($"/api/agreements/{agreementId}/documents", outcome.Document),
            404 => Problems.NotFound(outcome.Errors[0].Reason),
            413 => Problems.TooLarge(),
            _ => Problems.Invalid(outcome.Errors),
        });
    }

    public sealed record AttachOutcome(int Status, AgreementDocument? Document, IReadOnlyList<Kernel.FieldError> Errors);

    /// <summary>Attaches an uploaded file (the API's and the workbench's form alike).</summary>
    public static async Task<AttachOutcome> AttachAsync(string agreementId, IFormFile? file, string? givenTitle, Kernel.Author author,
        IDocumentStore store, NpgsqlDataSource dataSource, CancellationToken ct)
    {
        var errors = new List<Kernel.FieldError>();
        var title = givenTitle?.Trim() is { Length: > 0 } t ? t : null;
        if (file is null || file.Length == 0) errors.Add(new("file", "is required: the document's bytes, as a multipart file part named 'file'"));
        else if (file.Length > MaxBytes) return new(413, null, [new("file", $"is {file.Length} bytes; at most {MaxBytes} are accepted")]);
        if (title is { Length: > 300 }) errors.Add(new("title", "is longer than 300 characters"));
        if (title is not null && title.Any(char.IsControl)) errors.Add(new("title", "holds control characters"));
        byte[] bytes = [];
        string type = "";
        if (file is { Length: > 0 })
        {
            await using (var stream = file.OpenReadStream())
            using (var buffer = new MemoryStream())
            {
                await stream.CopyToAsync(buffer, ct);
                bytes = buffer.ToArray();
            }
            type = bytes.AsSpan().StartsWith("%PDF-"u8) ? "application/pdf" : (file.ContentType ?? "").Split(';')[0].Trim().ToLowerInvariant();
            if (!Types.Contains(type)) errors.Add(new("file", $"is {(type.Length == 0 ? "of no type" : type)}; a document is a PDF, an HTML page or plain text"));
        }
        if (errors.Count > 0) return new(400, null, errors);
        var fileName = Path.GetFileName(file!.FileName ?? "").Trim() is { Length: > 0 and <= 255 } n && !n.Any(char.IsControl) ? n : "document";

        var text = TextExtraction.Extract(bytes, type, null);
        var streamKey = SourceLog.StreamKey(agreementId);
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await using (var exists = new NpgsqlCommand($"select exists (select 1 from {TrackerHost.MartenSchema}.mt_streams where id = @a and type = 'agreement_header')", conn, tx))
        {
            exists.Parameters.AddWithValue("a", agreementId);
            if (await exists.ExecuteScalarAsync(ct) is not true) return new(404, null, [new("agreementId", $"agreement '{agreementId}' does not exist")]);
        }
        await Turns.TakeAsync(conn, tx, streamKey, ct);
        var sha = await SourceBlobs.PutAsync(conn, tx, bytes, type, text, ct);
        var attached = new DocumentAttached(agreementId, Guid.NewGuid(), fileName, type, sha, bytes.LongLength, SourceBlobs.TextHashOf(text), title);
        await using (var session = store.LightweightSession(SessionOptions.ForTransaction(tx)))
        {
            session.LastModifiedBy = author.UserName;
            session.CorrelationId = author.CorrelationId;
            var state = await session.Events.FetchStreamStateAsync(streamKey, ct);
            if (state is null) session.Events.StartStream<SourceLog>(streamKey, attached);
            else session.Events.Append(streamKey, attached);
            await session.SaveChangesAsync(ct);
        }
        var now = DateTimeOffset.UtcNow;
        await using (var insert = new NpgsqlCommand($"""
            insert into {Table} (agreement_id, document_id, file_name, title, content_type, sha256, length, attached_at, attached_by, document)
            values (@a, @d, @f, @t, @c, decode(@h, 'hex'), @n, @at, @by,
                    setweight(to_tsvector('simple', coalesce(@t, '') || ' ' || @f), 'A') || to_tsvector('simple', coalesce(left(@x, 1000000), '')))
            """, conn, tx))
        {
            insert.Parameters.AddWithValue("a", agreementId);
            insert.Parameters.AddWithValue("d", attached.DocumentId);
            insert.Parameters.AddWithValue("f", fileName);
            insert.Parameters.Add(new NpgsqlParameter("t", NpgsqlTypes.NpgsqlDbType.Text) { Value = (object?)title ?? DBNull.Value });
            insert.Parameters.AddWithValue("c", type);
            insert.Parameters.AddWithValue("h", sha);
            insert.Parameters.AddWithValue("n", bytes.LongLength);
            insert.Parameters.AddWithValue("at", now);
            insert.Parameters.AddWithValue("by", author.UserName);
            insert.Parameters.Add(new NpgsqlParameter("x", NpgsqlTypes.NpgsqlDbType.Text) { Value = (object?)text?.Replace("\0", "") ?? DBNull.Value });
            await insert.ExecuteNonQueryAsync(ct);
        }
        await tx.CommitAsync(ct);
        var document = new AgreementDocument(attached.DocumentId, fileName, title, type, sha, bytes.LongLength, now, author.UserName,
            $"/api/captures/{sha}/text");
        return new(201, document, []);
    }

    [EndpointSummary("An agreement's attached documents, newest first (knownAt: as attached by then)"),
     WolverineGet("/api/agreements/{agreementId}/documents")]
    public static async Task<Found<AgreementDocuments>> List(string agreementId, NpgsqlDataSource dataSource, string? asOf, string? knownAt,
        int? page, int? pageSize, CancellationToken ct)
    {
        var errors = RequestContext.ParseClocks(asOf, knownAt, out var clocks);
        if (asOf is not null && errors.All(e => e.Field != "asOf"))
            errors.Add(new("asOf", "documents have no said-on date: ask for them as known at an instant (knownAt)"));
        var paging = Paging.Parse(page, pageSize, errors);
        if (errors.Count > 0) return new(Problems.Invalid(errors));
        await using (var exists = dataSource.CreateCommand($"select exists (select 1 from {TrackerHost.MartenSchema}.mt_streams where id = @a and type = 'agreement_header')"))
        {
            exists.Parameters.AddWithValue("a", agreementId);
            if (await exists.ExecuteScalarAsync(ct) is not true) return new(Problems.NotFound($"agreement '{agreementId}' does not exist"));
        }
        return new(Results.Ok(await OfAgreementAsync(dataSource, agreementId, paging, ct, clocks.KnownAt)));
    }

    /// <summary>One page of the agreement's documents, newest first (then by id, so pages never overlap), and the count of
    /// all: one round trip, as a statement's captures (<see cref="SourceCaptures.OfStatementAsync"/>).</summary>
    public static async Task<AgreementDocuments> OfAgreementAsync(NpgsqlDataSource dataSource, string agreementId, Paging paging, CancellationToken ct,
        DateTimeOffset? knownAt = null)
    {
        const string attached = $"from {Table} where agreement_id = $1 and ($2::timestamptz is null or attached_at <= $2)";
        NpgsqlParameter[] Agreement() => [new() { Value = agreementId }, new() { Value = (object?)knownAt ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.TimestampTz }];
        await using var batch = dataSource.CreateBatch();
        var page = new NpgsqlBatchCommand($"""
            select document_id, file_name, title, content_type, encode(sha256, 'hex'), length, attached_at, attached_by {attached}
            order by attached_at desc, document_id offset $3 limit $4
            """);
        page.Parameters.AddRange(Agreement());
        page.Parameters.Add(new() { Value = paging.Offset });
        page.Parameters.Add(new() { Value = paging.Size });
        var count = new NpgsqlBatchCommand($"select count(*) {attached}");
        count.Parameters.AddRange(Agreement());
        batch.BatchCommands.Add(page);
        batch.BatchCommands.Add(count);
        var list = new List<AgreementDocument>();
        await using var r = await batch.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            list.Add(new AgreementDocument(r.GetGuid(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2), r.GetString(3), r.GetString(4),
                r.GetInt64(5), r.GetFieldValue<DateTimeOffset>(6), r.GetString(7), $"/api/captures/{r.GetString(4)}/text"));
        await r.NextResultAsync(ct);
        await r.ReadAsync(ct);
        return new AgreementDocuments(agreementId, list, paging.Page, paging.Size, (int)r.GetInt64(0));
    }

    /// <summary>Documents whose text matches a web-style query (as the statement search reads it), best first.</summary>
    public static async Task<IReadOnlyList<DocumentHit>> SearchAsync(NpgsqlDataSource dataSource, string query, int limit, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand($"""
            select d.agreement_id, d.document_id, d.file_name, d.title, encode(d.sha256, 'hex'),
                   ts_headline('simple', coalesce(left(b.text, 200000), ''), websearch_to_tsquery('simple', @q), 'MaxWords=30, MinWords=10, StartSel=«, StopSel=»')
            from {Table} d join {SourceBlobs.Table} b on b.sha256 = d.sha256
            where d.document @@ websearch_to_tsquery('simple', @q)
            order by ts_rank(d.document, websearch_to_tsquery('simple', @q)) desc, d.attached_at desc
            limit @n
            """);
        cmd.Parameters.AddWithValue("q", query);
        cmd.Parameters.AddWithValue("n", limit);
        var hits = new List<DocumentHit>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            hits.Add(new DocumentHit(r.GetString(0), r.GetGuid(1), r.GetString(2), r.IsDBNull(3) ? null : r.GetString(3), r.GetString(4), r.GetString(5)));
        return hits;
    }
}
