using Microsoft.AspNetCore.Mvc;
using Npgsql;
using Tracker.Sources;

namespace Tracker.Workbench.Pages.Sources;

/// <summary>A captured copy, as text: what was extracted from the bytes whose SHA-256 names it. The original bytes are
/// one link further, served sandboxed from a path without the session (see <see cref="Originals"/>).</summary>
public sealed class CaptureModel(NpgsqlDataSource dataSource, Originals originals) : WorkbenchPage
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

    /// <summary>The original is not served here, under the session, but from its cookieless path (see <see cref="Originals"/>).</summary>
    public IActionResult OnGetOriginal(string sha256) =>
        sha256.Length == 64 && sha256.All(Uri.IsHexDigit) ? Redirect(originals.LinkTo(sha256)) : NotFound();
}
