using Marten;
using Tracker.Agreements;
using Tracker.Agreements.Deciding;
using Tracker.Agreements.Storage;
using Tracker.Http;
using Wolverine.Http;

namespace Tracker.Reports;

public static class ReportEndpoints
{
    [WolverineGet("/api/reports/status")]
    public static async Task<IResult> Status(IQuerySession session, TimeProvider clock, string? agreement, string? party,
        string? category, string? stage, string? asOf, string? knownAt, CancellationToken ct)
    {
        var errors = RequestContext.ParseClocks(asOf, knownAt, out var asOfDate, out var knownAtInstant);
        var check = new Checks();
        Category? categoryFilter = null;
        Stage? stageFilter = null;
        if (category is not null && check.Vocabulary<Category>("category", category, out var c)) categoryFilter = c;
        if (stage is not null && check.Vocabulary<Stage>("stage", stage, out var s)) stageFilter = s;
        errors.AddRange(check.Errors);
        if (errors.Count > 0) return Problems.Invalid(errors);

        var agreements = await session.LoadAllAsync(knownAtInstant, ct);
        return Results.Ok(StatusReport.Build(agreements, new StatusReportFilter(agreement, party, categoryFilter, stageFilter),
            asOfDate, knownAtInstant, clock.GetUtcNow()));
    }

    [WolverineGet("/api/reports/changes")]
    public static async Task<IResult> Changes(IQuerySession session, string? from, string? to, string? knownAt, CancellationToken ct)
    {
        var errors = RequestContext.ParseClocks(null, knownAt, out _, out var knownAtInstant);
        var fromDate = ParseDate("from", from, errors);
        var toDate = ParseDate("to", to, errors);
        if (fromDate > toDate) errors.Add(new FieldError("to", "is before 'from'"));
        if (errors.Count > 0) return Problems.Invalid(errors);
        var agreements = await session.LoadAllAsync(knownAtInstant, ct);
        return Results.Ok(ChangesReport.Build(agreements, fromDate!.Value, toDate!.Value, knownAtInstant));
    }

    private static DateOnly? ParseDate(string field, string? text, List<FieldError> errors)
    {
        var parseErrors = RequestContext.ParseClocks(text ?? "", null, out var date, out _);
        if (string.IsNullOrWhiteSpace(text)) errors.Add(new FieldError(field, "is required (YYYY-MM-DD)"));
        else errors.AddRange(parseErrors.Select(e => e with { Field = field }));
        return date;
    }
}
