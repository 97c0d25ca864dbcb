using Tracker.Agreements;
using Tracker.Agreements.Deciding;
using Tracker.Http;
using Tracker.Reports.Rendering;
using Tracker.Kernel;
using Tracker.Portfolio;

namespace Tracker.Reports;

/// <summary>The status report's filters as given (a query string, flags, a form), before they are checked.</summary>
public sealed record StatusFilterText(string? Agreement = null, string? Party = null, string? Category = null, string? Stage = null,
    string? Contested = null, string? Overdue = null, string? Speaker = null, string? Actor = null, string? SourceDrift = null,
    string? Review = null);

/// <summary>A status report as asked for: which commitments, on which clocks, in which format.</summary>
public sealed record StatusReportRequest(StatusReportFilter Filter, Clocks Clocks, ReportFormat Format);

/// <summary>A changes report as asked for: the period (said-on dates, inclusive), the record clock, the format.</summary>
public sealed record ChangesReportRequest(DateOnly From, DateOnly To, DateTimeOffset? KnownAt, ReportFormat Format);

/// <summary>
/// Parses a report request from text, for the API's query string and the command line's flags alike, so both
/// accept and reject exactly the same things. Errors name the API's parameter (<c>asOf</c>, <c>format</c>); the
/// command line turns those into its flag names.
/// </summary>
public static class ReportRequests
{
    /// <summary>Longest speaker filter: a name with a role, not a paragraph.</summary>
    public const int SpeakerFilterLength = 200;

    /// <summary>
    /// <see cref="ParseStatus"/> with the registry read for the party and actor it names, as known at its
    /// <c>knownAt</c>: an alias answers for its actor then, and only if it was one then.
    /// </summary>
    public static async Task<(List<FieldError> Errors, StatusReportRequest? Request)> ParseStatusAsync(Npgsql.NpgsqlDataSource dataSource,
        StatusFilterText given, string? asOf, string? knownAt, string? format, ReportFormat defaultFormat, CancellationToken ct)
    {
        RequestContext.ParseClocks(asOf, knownAt, out var clocks);
        var codes = new[] { Given(given.Party), Given(given.Actor) }.OfType<string>()
            .SelectMany(c => new[] { c, c.ToUpperInvariant() }).ToArray();
        var actors = Registry.ActorDirectory.BuiltIn;
        if (codes.Length > 0)
        {
            await using var connection = await dataSource.OpenConnectionAsync(ct);
            actors = await Registry.RegistryReads.DirectoryAsync(connection, null, codes, [], clocks.KnownAt, ct);
        }
        var errors = ParseStatus(given, asOf, knownAt, format, defaultFormat, out var request, actors);
        return (errors, request);
    }

    public static List<FieldError> ParseStatus(StatusFilterText given, string? asOf, string? knownAt, string? format,
        ReportFormat defaultFormat, out StatusReportRequest? request, Registry.ActorDirectory? actors = null)
    {
        request = null;
        actors ??= Registry.ActorDirectory.BuiltIn;
        var errors = RequestContext.ParseClocks(asOf, knownAt, out var clocks);
        var check = new Checks();
        Category? categoryFilter = null;
        Stage? stageFilter = null;
        if (!string.IsNullOrWhiteSpace(given.Category) && check.Vocabulary<Category>("category", given.Category, out var c)) categoryFilter = c;
        if (!string.IsNullOrWhiteSpace(given.Stage) && check.Vocabulary<Stage>("stage", given.Stage, out var s)) stageFilter = s;
        errors.AddRange(check.Errors);
        // A party no actor has would answer an empty 200: say what it likely meant instead (party=uk: GBR).
        var party = ResolveActor("party", Given(given.Party), actors, errors);
        var actor = ResolveActor("actor", Given(given.Actor), actors, errors);
        var speaker = Given(given.Speaker)?.Trim();
        if (speaker is not null && speaker.Length > SpeakerFilterLength)
            errors.Add(new FieldError("speaker", $"has {speaker.Length} characters; the limit is {SpeakerFilterLength}"));
        else if (speaker is not null && StatusReportFilter.SpeakerWords(speaker).Count == 0)
            errors.Add(new FieldError("speaker", "needs a word of a speaker's name (letters or digits)"));
        // Who said what is read from the statements as they read now; past readings of a name are not kept apart.
        if (clocks.KnownAt is not null)
            foreach (var (field, value) in new[] { ("speaker", speaker), ("actor", Given(given.Actor)) })
                if (value is not null)
                    errors.Add(new FieldError(field, "is answered from the statements as they read now, so it does not combine with knownAt"));
        var contestedFilter = YesOrNo("contested", given.Contested, errors);
        var overdueFilter = YesOrNo("overdue", given.Overdue, errors);
        var driftFilter = YesOrNo("sourceDrift", given.SourceDrift, errors);
        bool? awaitingFilter = null;
        if (Given(given.Review) is { } review)
        {
            if (review == ProposalStates.Awaiting) awaitingFilter = true;
            else errors.Add(new FieldError("review", $"'{review}' is not a review filter; the one there is: {ProposalStates.Awaiting}"));
        }
        var parsedFormat = ParseFormat(format, defaultFormat, errors);
        if (errors.Count > 0) return errors;

        request = new StatusReportRequest(
            new StatusReportFilter(Given(given.Agreement), party, categoryFilter, stageFilter, contestedFilter, overdueFilter,
                speaker, actor, awaitingFilter) { SourceDrift = driftFilter },
            clocks, parsedFormat);
        return errors;
    }

    /// <summary>A filter's actor code (any case) or alias, as the actor's code; null with an error when it is none.</summary>
    private static string? ResolveActor(string field, string? given, Registry.ActorDirectory actors, List<FieldError> errors)
    {
        if (given is null) return null;
        var resolved = actors.Resolve(given);
        if (resolved.Id is null && given != given.ToUpperInvariant()) resolved = actors.Resolve(given.ToUpperInvariant());
        if (resolved.Id is null) errors.Add(new FieldError(field, resolved.Refusal!));
        return resolved.Id;
    }

    /// <summary>The period a changes report covers when it names no <c>from</c>: 30 days before <c>to</c>.</summary>
    public const int DefaultPeriodDays = 30;

    /// <summary>
    /// Without <c>to</c>, the period ends <paramref name="today"/> (<see cref="Agreements.Deciding.Today.Anywhere"/>, so
    /// nothing already said is left out); without <c>from</c>, it starts
    /// <see cref="DefaultPeriodDays"/> days before its end: a bare changes report is the last 30 days, as the workbench shows.
    /// </summary>
    public static List<FieldError> ParseChanges(string? from, string? to, string? knownAt, string? format,
        ReportFormat defaultFormat, DateOnly today, out ChangesReportRequest? request)
    {
        request = null;
        var errors = RequestContext.ParseClocks(null, knownAt, out var clocks);
        var toDate = Given(to) is null ? today : RequestContext.ParseDate(to, "to", errors);
        var fromDate = Given(from) is null ? toDate?.AddDays(-DefaultPeriodDays) : RequestContext.ParseDate(from, "from", errors);
        if (fromDate > toDate) errors.Add(new FieldError("to", $"{Text(toDate)} is before 'from' ({Text(fromDate)})"));
        var parsedFormat = ParseFormat(format, defaultFormat, errors);
        if (!ReportFormats.OfChanges.Contains(parsedFormat))
            errors.Add(new FieldError("format", $"{parsedFormat.Name()} is the status report's only; the changes report is one of: " +
                string.Join(", ", ReportFormats.OfChanges.Select(f => f.Name()))));
        if (errors.Count > 0) return errors;
        if (fromDate is null || toDate is null) throw new InvalidOperationException("a period without dates and without errors");

        request = new ChangesReportRequest(fromDate.Value, toDate!.Value, clocks.KnownAt, parsedFormat);
        return errors;
    }

    private static bool? YesOrNo(string field, string? text, List<FieldError> errors)
    {
        bool? value = Given(text)?.ToLowerInvariant() switch
        {
            null => null,
            "true" or "yes" => true,
            "false" or "no" => false,
            _ => null,
        };
        if (Given(text) is { } given && value is null) errors.Add(new FieldError(field, $"'{given}' is not true or false"));
        return value;
    }

    private static ReportFormat ParseFormat(string? text, ReportFormat defaultFormat, List<FieldError> errors)
    {
        if (ReportFormats.TryParse(text, defaultFormat, out var format, out var reason)) return format;
        errors.Add(new FieldError("format", reason!));
        return defaultFormat;
    }

    /// <summary>An empty filter (<c>?party=</c>, <c>--party ""</c>) means no filter, not "matches nothing".</summary>
    public static string? Given(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    private static string Text(DateOnly? date) => date is { } d ? ReportText.Date(d) : "";
}
