using JasperFx.Events;
using Marten;
using Marten.Events.Projections;
using Tracker.Agreements;
using Tracker.Infrastructure;

namespace Tracker.Search;

/// <summary>
/// Keeps <c>statement_search</c> with every append (inline): one row per statement in its current reading, with a
/// full-text document PostgreSQL computes (see migrations/0005_statement-search.sql). A correction changes only the
/// fields it names, in SQL, so nothing is loaded; a retraction marks the row. Where review is required a proposed
/// statement has its row before it counts (<c>counted</c> false until approved), and every row says where its latest
/// proposal stands (<c>review</c>; migrations/0021_statement-search-review.sql): readers that count read counted rows.
/// </summary>
public sealed class StatementSearchProjection : IProjection
{
    public const string ProjectionName = "StatementSearch";
    public const string Table = TrackerHost.MartenSchema + ".statement_search";

    public Task ApplyAsync(IDocumentOperations operations, IReadOnlyList<IEvent> events, CancellationToken ct)
    {
        foreach (var e in events)
            switch (e.Data)
            {
                case StatementRecorded r:
                    Upsert(operations, r.AgreementId, r.StatementId, r.Content, e.Timestamp, review: null);
                    break;
                // A proposal is found like any statement, marked and not counted, until its approval records it.
                case StatementProposed p:
                    Upsert(operations, p.AgreementId, p.StatementId, p.Content, e.Timestamp, review: ProposalStates.Awaiting);
                    break;
                case CorrectionProposed c:
                    Mark(operations, c.AgreementId, c.StatementId, ProposalStates.Awaiting);
                    break;
                case RetractionProposed x:
                    Mark(operations, x.AgreementId, x.StatementId, ProposalStates.Awaiting);
                    break;
                case StatementReviewed d:
                    Mark(operations, d.AgreementId, d.StatementId, ReviewStatement.StateAfter(d.Decision));
                    break;
                case StatementCorrected x:
                {
                    var ch = x.Changes;
                    // Each field is replaced only when the correction names it; speaker and source come whole.
                    operations.QueueSqlCommand($"""
                        update {Table} set
                            said_on = coalesce(?, said_on),
                            speaker = case when ? then ? else speaker end,
                            speaker_key = case when ? then ? else speaker_key end,
                            person_id = case when ? then ? else person_id end,
                            role = case when ? then ? else role end,
                            actor = case when ? then ? else actor end,
                            outlet = case when ? then ? else outlet end,
                            url = case when ? then ? else url end,
                            quote = coalesce(?, quote),
                            translation = case when ? then ? else translation end,
                            language = coalesce(?, language),
                            config = coalesce(?::regconfig, config),
                            commitment_ids = coalesce(?, commitment_ids)
                        where agreement_id = ? and statement_id = ?
                        """,
                        Nullable(ch.SaidOn?.ToString()),
                        ch.Speaker is not null, ch.Speaker?.Name ?? "",
                        ch.Speaker is not null, Kernel.NameKey.Of(ch.Speaker?.Name ?? ""),
                        ch.Speaker is not null, Nullable(ch.Speaker?.PersonId),
                        ch.Speaker is not null, Nullable(ch.Speaker?.Role),
                        ch.Speaker is not null, Nullable(ch.Speaker?.Actor),
                        ch.Source is not null, ch.Source?.Outlet ?? "", ch.Source is not null, Nullable(ch.Source?.Url),
                        Nullable(ch.Quote), ch.Translation is not null, Nullable(ch.Translation),
                        Nullable(ch.Language), Nullable(ch.Language is { } l ? SearchLanguages.ConfigOf(l) : null),
                        ch.Assertions is { } a ? CommitmentIds(a) : DBNull.Value,
                        x.AgreementId, x.StatementId);
                    break;
                }
                case StatementRetracted x:
                    operations.QueueSqlCommand($"update {Table} set retracted = true where agreement_id = ? and statement_id = ?",
                        x.AgreementId, x.StatementId);
                    break;
            }
        return Task.CompletedTask;
    }

    /// <summary>
    /// A statement's row in its first reading: recorded (<paramref name="review"/> null: it counts) or proposed (it does
    /// not). Recording a statement whose proposal has a row replaces that row and makes it count; a proposal never
    /// touches a row that counts, nor a recording one that already does (a replay).
    /// </summary>
    private static void Upsert(IDocumentOperations operations, string agreementId, Guid statementId, StatementContent c,
        DateTimeOffset at, string? review)
    {
        var counted = review is null;
        operations.QueueSqlCommand($"""
            insert into {Table} as t (agreement_id, statement_id, said_on, speaker, role, actor, outlet, url, quote,
                                 translation, language, config, commitment_ids, retracted, recorded_at, speaker_key, person_id,
                                 counted, review)
            values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::regconfig, ?, false, ?, ?, ?, ?, ?)
            on conflict (agreement_id, statement_id) do update set
                said_on = excluded.said_on, speaker = excluded.speaker, role = excluded.role, actor = excluded.actor,
                outlet = excluded.outlet, url = excluded.url, quote = excluded.quote, translation = excluded.translation,
                language = excluded.language, config = excluded.config, commitment_ids = excluded.commitment_ids,
                retracted = false, recorded_at = excluded.recorded_at, speaker_key = excluded.speaker_key,
                person_id = excluded.person_id, counted = excluded.counted,
                review = case when excluded.counted then t.review else excluded.review end
            where not t.counted
            """,
            agreementId, statementId, c.SaidOn.ToString(), c.Speaker.Name, Nullable(c.Speaker.Role),
            Nullable(c.Speaker.Actor), c.Source.Outlet, Nullable(c.Source.Url), c.Quote, Nullable(c.Translation),
            c.Language, SearchLanguages.ConfigOf(c.Language), CommitmentIds(c.Assertions), at,
            Kernel.NameKey.Of(c.Speaker.Name), Nullable(c.Speaker.PersonId), counted, Nullable(review));
    }

    /// <summary>The state of the statement's latest proposal, beside whatever reading its row holds.</summary>
    private static void Mark(IDocumentOperations operations, string agreementId, Guid statementId, string review) =>
        operations.QueueSqlCommand($"update {Table} set review = ? where agreement_id = ? and statement_id = ?",
            review, agreementId, statementId);

    private static object Nullable(string? value) => value is null ? DBNull.Value : value;

    private static string[] CommitmentIds(IReadOnlyList<Assertion> assertions) =>
        assertions.Select(a => a.CommitmentId).Distinct(StringComparer.Ordinal).ToArray();
}

/// <summary>Which of PostgreSQL's text search configurations stems a language (ISO 639-1); 'simple' when none does.</summary>
public static class SearchLanguages
{
    private static readonly Dictionary<string, string> Configs = new(StringComparer.OrdinalIgnoreCase)
    {
        ["ar"] = "arabic", ["hy"] = "armenian", ["eu"] = "basque", ["ca"] = "catalan", ["da"] = "danish",
        ["nl"] = "dutch", ["en"] = "english", ["fi"] = "finnish", ["fr"] = "french", ["de"] = "german",
        ["el"] = "greek", ["hi"] = "hindi", ["hu"] = "hungarian", ["id"] = "indonesian", ["ga"] = "irish",
        ["it"] = "italian", ["lt"] = "lithuanian", ["ne"] = "nepali", ["no"] = "norwegian", ["nb"] = "norwegian",
        ["nn"] = "norwegian", ["pt"] = "portuguese", ["ro"] = "romanian", ["ru"] = "russian", ["sr"] = "serbian",
        ["es"] = "spanish", ["sv"] = "swedish", ["ta"] = "tamil", ["tr"] = "turkish", ["yi"] = "yiddish",
    };

    /// <summary>A search is read in each of these as well as word for word: the languages most statements are in.</summary>
    public static readonly string[] QueryConfigs = ["simple", "english", "german", "french", "russian", "spanish", "italian"];

    public static string ConfigOf(string language) =>
        Configs.TryGetValue(language.Split('-', 2)[0], out var config) ? config : "simple";
}
