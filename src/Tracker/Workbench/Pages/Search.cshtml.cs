using Microsoft.AspNetCore.Html;
using Tracker.Http;
using Tracker.Kernel;
using Tracker.Search;

namespace Tracker.Workbench.Pages;

/// <summary>Find statements by what they say, who said it or where: ranked, the matching words marked.</summary>
public sealed class SearchModel(StatementSearch search, Npgsql.NpgsqlDataSource dataSource) : WorkbenchPage
{
    public const int PageSize = 20;
    public string? Q { get; private set; }
    public SearchResults? Results { get; private set; }

    /// <summary>Agreements' own documents that match (Sources), beside the statements.</summary>
    public IReadOnlyList<Tracker.Sources.DocumentHit> DocumentHits { get; private set; } = [];

    /// <summary>What each hit's source capture says (one indexed read for the page of hits).</summary>
    private IReadOnlyDictionary<(string, Guid), Tracker.Agreements.SourceCheck> _checks =
        new Dictionary<(string, Guid), Tracker.Agreements.SourceCheck>();

    public Tracker.Agreements.SourceCheck? CheckOf(string agreementId, Guid statementId) => _checks.GetValueOrDefault((agreementId, statementId));

    public async Task OnGetAsync(string? q, int? page, CancellationToken ct)
    {
        Q = q;
        var errors = new List<FieldError>();
        if (q is { Length: > StatementSearch.MaxQueryLength })
            errors.Add(new FieldError("q", $"is longer than {StatementSearch.MaxQueryLength} characters"));
        var paging = Paging.Parse(page, PageSize, errors);
        if (errors.Count > 0)
        {
            Show(errors);
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }
        if (string.IsNullOrWhiteSpace(q)) return;
        Results = await search.FindAsync(q.Trim(), paging, ct);
        await using (var conn = await dataSource.OpenConnectionAsync(ct))
            _checks = await Tracker.Agreements.SourceCheck.OfStatementsAsync(conn,
                [.. Results.Hits.Select(h => (h.AgreementId, h.StatementId))], null, ct);
        if (paging.Page == 1) DocumentHits = await Tracker.Sources.Documents.SearchAsync(dataSource, q.Trim(), 10, ct);
    }

    /// <summary>The text, encoded, with its matching stretches in &lt;mark&gt; and no space added between them.</summary>
    public static IHtmlContent Marked(IReadOnlyList<Snippet> parts)
    {
        var html = new HtmlContentBuilder();
        foreach (var part in parts)
            if (part.Match) html.AppendHtml("<mark>").Append(part.Text).AppendHtml("</mark>");
            else html.Append(part.Text);
        return html;
    }
}
