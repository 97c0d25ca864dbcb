using System.Globalization;
using Tracker.Agreements;
using Tracker.Kernel;

namespace Tracker.Workbench.Pages.Agreements;

public sealed class AssertionRow
{
    public string? CommitmentId { get; set; }
    public string? Stage { get; set; }
    public string? Amount { get; set; }
    public string? Unit { get; set; }
}

/// <summary>The form as posted: plain strings, turned into the API's <see cref="RecordStatement"/> and checked by it.</summary>
public sealed class StatementForm
{
    public Guid StatementId { get; set; }
    public List<AssertionRow> Assertions { get; set; } = [];
    public string? SpeakerName { get; set; }
    public string? SpeakerRole { get; set; }
    public string? SpeakerActor { get; set; }
    /// <summary>The registry's person, set by choosing them in "Find person" (a hidden field).</summary>
    public string? PersonId { get; set; }
    public string? SaidOn { get; set; }
    public string? Place { get; set; }
    public string? Quote { get; set; }
    public string? Language { get; set; }
    public string? Translation { get; set; }
    public string? Outlet { get; set; }
    public string? Kind { get; set; } = "media-report";
    public string? Url { get; set; }
    public string? ArchiveUrl { get; set; }
    /// <summary>One of the agreement's attached documents the statement cites, and where in it.</summary>
    public Guid? DocumentId { get; set; }
    public int? Page { get; set; }
    public int? Paragraph { get; set; }
    public string? Reliability { get; set; }
    public int? Credibility { get; set; }

    /// <summary>
    /// The command, and what the form alone can tell is wrong: an amount that is not a number never reaches the API
    /// (its quantity is a decimal), so the form names it under the field path the API would have used.
    /// </summary>
    public (RecordStatement Command, List<FieldError> Errors) ToCommand(string agreementId)
    {
        static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
        var errors = new List<FieldError>();
        var assertions = new List<AssertionInput>();
        for (var i = 0; i < Assertions.Count; i++)
        {
            var a = Assertions[i];
            if (Blank(a.CommitmentId) is null && Blank(a.Stage) is null && Blank(a.Amount) is null && Blank(a.Unit) is null) continue;
            // Numbered as the API numbers them (blank rows left out), so the form's errors and the API's land together.
            var field = $"assertions[{assertions.Count}].quantity";
            assertions.Add(new AssertionInput(a.CommitmentId, a.Stage, QuantityOf(a, field, errors)));
        }
        var command = new RecordStatement(agreementId, StatementId, Blank(SaidOn),
            Blank(SpeakerName) is null ? null : new SpeakerInput(SpeakerName, Blank(SpeakerRole), Blank(SpeakerActor), Blank(PersonId)),
            Blank(Place), Blank(Quote), Blank(Language), Blank(Translation),
            new SourceInput(Blank(Outlet), Blank(Kind), Blank(Url), null, Blank(Reliability), Credibility, Blank(ArchiveUrl), DocumentId, Page, Paragraph),
            assertions);
        return (command, errors);
    }

    private static Quantity? QuantityOf(AssertionRow row, string field, List<FieldError> errors)
    {
        var amount = row.Amount?.Trim();
        var unit = row.Unit?.Trim() ?? "";
        if (string.IsNullOrEmpty(amount))
        {
            if (unit.Length > 0) errors.Add(new FieldError(field + ".amount", $"is required when a unit ('{unit}') is given"));
            return null;
        }
        // Invariant and without thousands separators: "1,5" would otherwise be read as fifteen.
        if (!decimal.TryParse(amount, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value))
        {
            errors.Add(new FieldError(field + ".amount", $"'{amount}' is not a number: write it with a decimal point, e.g. 40 or 2.5"));
            return null;
        }
        // An empty unit goes on to the API, which refuses it under quantity.unit.
        return new Quantity(value, unit);
    }
}
