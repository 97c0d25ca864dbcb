using Microsoft.AspNetCore.Mvc;
using Npgsql;
using Tracker.Sources;

namespace Tracker.Workbench.Pages.Sources;

/// <summary>A captured copy, as text: what was extracted from the bytes whose SHA-256 names it. The original bytes are
/// one link further, served sandboxed (see <see cref="CaptureEndpoints.Sandbox"/>).</summary>
public sealed class CaptureModel(NpgsqlDataSource dataSource) : WorkbenchPage
{
    public string Sha256 { get; private set; } = "";
    public SourceBlobs.Blob? Blob { get; private set; }

    public async Task<IActionResult> OnGetAsync(string sha256, CancellationToken ct)
    {
        Sha256 = sha256.ToLowerInvariant();
        Blob = await SourceBlobs.GetAsync(dataSource, Sha256, withBytes: false, ct);
        if (Blob is null) Response.StatusCode = StatusCodes.Status404NotFound;
        return Page();
    }

    public async Task<IActionResult> OnGetOriginalAsync(string sha256, CancellationToken ct)
    {
        if (await SourceBlobs.GetAsync(dataSource, sha256.ToLowerInvariant(), withBytes: true, ct) is not { } blob) return NotFound();
        CaptureEndpoints.Sandbox(Response.Headers);
        return File(blob.Bytes, blob.ContentType);
    }
}
