using Marten;
using Microsoft.AspNetCore.Mvc;
using Tracker.Agreements;
using Tracker.Agreements.Deciding;
using Tracker.Agreements.Storage;
using Tracker.Http;
using Tracker.Kernel;

namespace Tracker.Workbench.Pages.Agreements;

/// <summary>A commitment's status with all its evidence, on both clocks, and the corrections and retractions.</summary>
public sealed class CommitmentModel(IQuerySession session, AgreementWriter writer, Npgsql.NpgsqlDataSource dataSource) : WorkbenchPage
{
    public CommitmentStatus? Status { get; private set; }
    public CommitmentHistory? History { get; private set; }
    public string AgreementTitle { get; private set; } = "";
    public string? AsOf { get; private set; }
    public string? KnownAt { get; private set; }
    public string? Missing { get; private set; }
    /// <summary>Proposals on statements about this commitment that await review: shown, never counted.</summary>
    public List<StatementProposal> Awaiting { get; } = [];
    private Agreement? _agreement;

    public StatementEntry? Statement(Guid id) => _agreement?.Statement(id);

    /// <summary>Each statement's latest capture of its source (Sources), for the line beside it.</summary>
    private IReadOnlyDictionary<Guid, SourceCheck> _captures = new Dictionary<Guid, SourceCheck>();

    public SourceCheck? CaptureOf(Guid statementId) => _captures.GetValueOrDefault(statementId);

    /// <summary>The agreement's documents, for the statements that cite one.</summary>
    private IReadOnlyDictionary<Guid, CitedDocuments.Named> _documents = new Dictionary<Guid, CitedDocuments.Named>();

    public CitedDocuments.Named? DocumentOf(Guid documentId) => _documents.GetValueOrDefault(documentId);

    /// <summary>Speaker name key → the registry's person, for the names on this page.</summary>
    private Dictionary<string, string> _people = [];

    /// <summary>The person a statement's speaker is: the one it names by id, else the one whose name or alias it is.</summary>
    public string? PersonOf(Guid statementId, string speaker) =>
        Statement(statementId)?.Current.Speaker.PersonId ?? _people.GetValueOrDefault(NameKey.Of(speaker));

    public Task<IActionResult> OnGetAsync(string agreementId, string commitmentId, string? asOf, string? knownAt,
        CancellationToken ct) => LoadAsync(agreementId, commitmentId, asOf, knownAt, ct);

    public async Task<IActionResult> OnPostRetractAsync(string agreementId, string commitmentId, Guid statementId,
        string? reason, CancellationToken ct)
    {
        if (!MayWrite) return Forbid();
        return await AfterAsync(await writer.ExecuteAsync(new RetractStatement(agreementId, statementId, reason),
            HttpContext.Author(), ct), agreementId, commitmentId, ct);
    }

    public async Task<IActionResult> OnPostCorrectAsync(string agreementId, string commitmentId, Guid statementId,
        Guid? correctionId, string? stage, string? saidOn, string? quote, string? reason, CancellationToken ct)
    {
        if (!MayWrite) return Forbid();
        var agreement = await session.LoadAsync(agreementId, null, ct);
        var current = agreement?.Statement(statementId)?.Current;
        // A new stage replaces this commitment's assertion and keeps the statement's others as they are.
        var assertions = string.IsNullOrWhiteSpace(stage) || current is null ? null
            : current.Assertions.Select(a => a.CommitmentId == commitmentId
                ? new AssertionInput(a.CommitmentId, stage, a.Quantity, a.Note)
                : new AssertionInput(a.CommitmentId, a.Stage.Name(), a.Quantity, a.Note)).ToList();
        var changes = new ChangesInput(SaidOn: Blank(saidOn), Quote: Blank(quote), Assertions: assertions);
        var command = new CorrectStatement(agreementId, statementId, changes, reason, correctionId);
        return await AfterAsync(await writer.ExecuteAsync(command, HttpContext.Author(), ct), agreementId, commitmentId, ct);
    }

    private async Task<IActionResult> AfterAsync(WriteResult result, string agreementId, string commitmentId, CancellationToken ct)
    {
        if (result.Outcome is not Rejected rejected) return Redirect($"/agreements/{agreementId}/commitments/{commitmentId}");
        await LoadAsync(agreementId, commitmentId, null, null, ct);
        Refuse(rejected);
        return Page();
    }

    private async Task<IActionResult> LoadAsync(string agreementId, string commitmentId, string? asOf, string? knownAt,
        CancellationToken ct)
    {
        (AsOf, KnownAt) = (Blank(asOf), Blank(knownAt));
        var errors = RequestContext.ParseClocks(AsOf, KnownAt, out var clocks);
        if (errors.Count > 0)
        {
            Show(errors);
            (AsOf, KnownAt) = (null, null);
        }
        _agreement = await session.LoadAsync(agreementId, errors.Count > 0 ? null : clocks.KnownAt, ct);
        if (_agreement?.Commitment(commitmentId) is not { } commitment)
        {
            Missing = $"Commitment '{commitmentId}' of agreement '{agreementId}' does not exist" +
                      (clocks.KnownAt is null ? "." : $" as known at {knownAt}.");
            Response.StatusCode = StatusCodes.Status404NotFound;
            return Page();
        }
        AgreementTitle = _agreement.Title;
        Status = StatusRule.Evaluate(_agreement, commitment, clocks.AsOf);
        History = CommitmentHistory.Of(_agreement, commitment, clocks.AsOf);
        Awaiting.AddRange(_agreement.Proposals.Values.Where(p => p.IsAwaiting && p.CommitmentIds.Contains(commitmentId))
            .OrderBy(p => p.ProposedAt));
        _people = await PeopleNamedAsync(History.Entries.Select(e => e.Statement?.Speaker).OfType<string>(), ct);
        _captures = await SourceCheck.OfAgreementAsync(dataSource, agreementId, clocks.KnownAt, ct);
        _documents = await CitedDocuments.OfAgreementAsync(dataSource, agreementId,
            _agreement.Statements.Select(s => s.Current.Source.DocumentId).OfType<Guid>(), ct);
        return Page();
    }

    // One query for the page's speakers, as the registry has them now (a link to follow, not evidence).
    private async Task<Dictionary<string, string>> PeopleNamedAsync(IEnumerable<string> speakers, CancellationToken ct)
    {
        var keys = speakers.Select(NameKey.Of).Where(k => k.Length > 0).Distinct().ToArray();
        var found = new Dictionary<string, string>(StringComparer.Ordinal);
        if (keys.Length == 0) return found;
        await using var cmd = dataSource.CreateCommand(
            $"select key, person_id from {Tracker.Registry.RegistryProjection.PersonKeys} where removed_at is null and key = any($1)");
        cmd.Parameters.Add(new() { Value = keys });
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) found[reader.GetString(0)] = reader.GetString(1);
        return found;
    }
}
