using System.Text;
using System.Text.Json.Nodes;
using Alba;
using Json.Schema;
using Tracker.Tests.Support;

namespace Tracker.Tests.Http;

/// <summary>
/// The description is the contract a generated client trusts: every operation's every answer — its happy path and each
/// error — comes back with a status the description lists, a content type it lists for that status, and a body its
/// schema accepts (validated as JSON Schema 2020-12, which OpenAPI 3.1 schemas are). Driven by a table of cases per
/// operation: an operation the description lists without cases here, or a status it lists that no case produces, fails.
/// </summary>
[Collection(AppCollection.Name)]
public class ApiContractTests(TrackerApp app)
{
    private const string Commitment = "air-defence-joint-production";
    private const string PublicHook = "https://93.184.215.14/hooks/tracker";

    /// <summary>Statuses listed but produced only by a separate host (a test here would disturb the shared one).</summary>
    private static readonly Dictionary<string, string> ProducedElsewhere = new()
    {
        ["* 429"] = "SeparateHostTests.a_client_over_its_rate_limit_gets_429_with_when_to_retry_while_others_go_on",
        ["GET /health 503"] = "SeparateHostTests.health_is_503_with_the_reason_when_the_schema_is_behind_or_the_database_is_gone",
        ["POST /api/watchlist 409"] = "WatchlistStories.a_user_following_as_many_as_one_may_is_told_to_stop_following_one_first_and_a_repeat_is_still_200",
        ["POST /api/subscriptions 409"] = "WebhookStories.one_user_cannot_subscribe_past_the_cap_even_all_at_once_and_removing_one_makes_room",
        ["POST /api/users/{name}/revocation 409"] = "SeparateHostTests.the_last_admin_cannot_be_revoked_even_by_two_admins_revoking_each_other_at_once",
        // Captures exist only where capture is on, with pages served on 127.0.0.1 (the shared app captures nothing).
        ["GET /api/agreements/{agreementId}/statements/{statementId}/captures 200"] =
            "SourceCaptureTests.a_cited_page_is_captured_within_five_seconds_its_hash_that_of_the_served_bytes_and_the_quote_found_despite_typography",
        ["GET /api/captures/{sha256}/text 200"] = "SourceCaptureTests.a_pdfs_text_is_extracted_and_its_quote_found",
        ["GET /api/captures/{sha256}/original 200"] =
            "SourceCaptureTests.a_cited_page_is_captured_within_five_seconds_its_hash_that_of_the_served_bytes_and_the_quote_found_despite_typography",
    };

    /// <summary>Refusals that come before an endpoint runs, tried on every operation that lists them.</summary>
    private static readonly int[] Refusals = [401, 403, 413, 415];

    private sealed record Case(int Status, string Name, Func<World, Task<Answer>> Send);

    private static Case C(int status, string name, Func<World, Task<Answer>> send) => new(status, name, send);

    /// <summary>Per operation, requests and the status each must be answered with.</summary>
    private static readonly Dictionary<string, Case[]> Cases = new()
    {
        ["GET /health"] = [C(200, "healthy", w => w.Get("/health", w.Nobody))],
        ["GET /api/users"] = [C(200, "list", w => w.Get("/api/users", w.Admin))],
        ["POST /api/users"] =
        [
            C(201, "add", w => w.Post("/api/users", new { name = w.Unique("user"), role = "reader" }, w.Admin)),
            C(400, "unknown role", w => w.Post("/api/users", new { name = w.Unique("user"), role = "boss" }, w.Admin)),
            C(409, "name taken", w => w.Post("/api/users", new { name = TrackerApp.Reader, role = "reader" }, w.Admin)),
        ],
        ["POST /api/users/{name}/revocation"] =
        [
            C(204, "revoke", async w =>
            {
                var name = w.Unique("user");
                await w.Post("/api/users", new { name, role = "reader" }, w.Admin);
                return await w.Post($"/api/users/{name}/revocation", null, w.Admin);
            }),
            C(400, "a query parameter", w => w.Post($"/api/users/{w.Unique("user")}/revocation?now=true", null, w.Admin)),
            C(404, "unknown user", w => w.Post($"/api/users/{w.Unique("nobody")}/revocation", null, w.Admin)),
        ],
        ["GET /api/agreements"] =
        [
            C(200, "a page", w => w.Get("/api/agreements?tag=defence-industry&pageSize=5")),
            C(400, "page 0", w => w.Get("/api/agreements?page=0")),
        ],
        ["POST /api/agreements"] =
        [
            C(201, "open", w => w.Post("/api/agreements", w.Opening(w.Unique("agr")))),
            C(200, "the same again", w => w.Post("/api/agreements", w.Opening(w.AgreementId))),
            C(400, "one party", w => w.Post("/api/agreements", new { agreementId = w.Unique("agr"), title = "T", parties = new[] { "UKR" } })),
            C(400, "expectedVersion in the body", w => w.Post("/api/agreements", new { agreementId = w.Unique("agr"), title = "T", parties = new[] { "UKR", "FRA" }, expectedVersion = 0 })),
            C(409, "other terms", w => w.Post("/api/agreements", new { agreementId = w.AgreementId, title = "Another title", parties = new[] { "UKR", "FRA" } })),
        ],
        ["GET /api/agreements/{agreementId}"] =
        [
            C(200, "read", w => w.Get($"/api/agreements/{w.AgreementId}")),
            C(400, "asOf not a date", w => w.Get($"/api/agreements/{w.AgreementId}?asOf=June")),
            C(404, "unknown", w => w.Get($"/api/agreements/{w.Unique("nope")}")),
        ],
        ["POST /api/agreements/{agreementId}/commitments"] =
        [
            C(201, "add", w => w.Post($"/api/agreements/{w.AgreementId}/commitments", new { commitmentId = "drones", title = "Drones", category = "drones" })),
            C(200, "the same again", async w =>
            {
                await w.Post($"/api/agreements/{w.AgreementId}/commitments", new { commitmentId = "drones", title = "Drones", category = "drones" });
                return await w.Post($"/api/agreements/{w.AgreementId}/commitments", new { commitmentId = "drones", title = "Drones", category = "drones" });
            }),
            C(400, "unknown category", w => w.Post($"/api/agreements/{w.AgreementId}/commitments", new { commitmentId = "x", title = "X", category = "spaceships" })),
            C(404, "unknown agreement", w => w.Post($"/api/agreements/{w.Unique("nope")}/commitments", new { commitmentId = "x", title = "X", category = "other" })),
            C(409, "other terms", w => w.Post($"/api/agreements/{w.AgreementId}/commitments", new { commitmentId = Commitment, title = "Other", category = "other" })),
        ],
        ["GET /api/agreements/{agreementId}/commitments/{commitmentId}"] =
        [
            C(200, "status", w => w.Get($"/api/agreements/{w.AgreementId}/commitments/{Commitment}")),
            C(400, "knownAt not an instant", w => w.Get($"/api/agreements/{w.AgreementId}/commitments/{Commitment}?knownAt=soon")),
            C(404, "unknown commitment", w => w.Get($"/api/agreements/{w.AgreementId}/commitments/nope")),
        ],
        ["GET /api/agreements/{agreementId}/commitments/{commitmentId}/history"] =
        [
            C(200, "history", w => w.Get($"/api/agreements/{w.AgreementId}/commitments/{Commitment}/history")),
            C(200, "history as markdown", w => w.Get($"/api/agreements/{w.AgreementId}/commitments/{Commitment}/history?format=md")),
            C(400, "unknown history format", w => w.Get($"/api/agreements/{w.AgreementId}/commitments/{Commitment}/history?format=csv")),
            C(400, "asOf not a date", w => w.Get($"/api/agreements/{w.AgreementId}/commitments/{Commitment}/history?asOf=2025-13-01")),
            C(404, "unknown commitment", w => w.Get($"/api/agreements/{w.AgreementId}/commitments/nope/history")),
        ],
        ["GET /api/agreements/{agreementId}/statements"] =
        [
            C(200, "statements", w => w.Get($"/api/agreements/{w.AgreementId}/statements")),
            C(400, "asOf not a date", w => w.Get($"/api/agreements/{w.AgreementId}/statements?asOf=x")),
            C(404, "unknown agreement", w => w.Get($"/api/agreements/{w.Unique("nope")}/statements")),
        ],
        ["POST /api/agreements/{agreementId}/statements"] =
        [
            C(201, "record", w => w.Post($"/api/agreements/{w.AgreementId}/statements", Api.Statement(Commitment, "announced"))),
            C(200, "the same again", w => w.Post($"/api/agreements/{w.AgreementId}/statements", w.Recorded)),
            C(400, "no quote", w => w.Post($"/api/agreements/{w.AgreementId}/statements", Without(Api.Statement(Commitment, "signed"), "quote"))),
            C(400, "?expectedVersion=", w => w.Post($"/api/agreements/{w.AgreementId}/statements?expectedVersion=1", Api.Statement(Commitment, "signed"))),
            C(400, "If-Match not a number", w => w.Post($"/api/agreements/{w.AgreementId}/statements", Api.Statement(Commitment, "signed"), ifMatch: "\"abc\"")),
            C(404, "unknown agreement", w => w.Post($"/api/agreements/{w.Unique("nope")}/statements", Api.Statement(Commitment, "signed"))),
            C(409, "same id, other content", w => w.Post($"/api/agreements/{w.AgreementId}/statements", With(w.Recorded, "quote", "Something else."))),
            C(409, "a stale If-Match", w => w.Post($"/api/agreements/{w.AgreementId}/statements", Api.Statement(Commitment, "signed"), ifMatch: "\"1\"")),
            C(202, "proposed where review is required", w => w.Reviewed((a, _) => w.Post($"/api/agreements/{a}/statements", Api.Statement(Commitment, "signed")))),
        ],
        ["GET /api/agreements/{agreementId}/statements/{statementId}"] =
        [
            C(200, "statement", w => w.Get($"/api/agreements/{w.AgreementId}/statements/{w.StatementId}")),
            C(400, "knownAt not an instant", w => w.Get($"/api/agreements/{w.AgreementId}/statements/{w.StatementId}?knownAt=x")),
            C(404, "unknown statement", w => w.Get($"/api/agreements/{w.AgreementId}/statements/{Guid.NewGuid()}")),
        ],
        ["POST /api/agreements/{agreementId}/statements/{statementId}/corrections"] =
        [
            C(201, "correct", w => w.Post($"/api/agreements/{w.AgreementId}/statements/{w.StatementId}/corrections", w.Correction)),
            C(202, "proposed where review is required", w => w.Reviewed((a, st) => w.Post($"/api/agreements/{a}/statements/{st}/corrections", w.Correction), approved: true)),
            C(200, "the same again", async w =>
            {
                await w.Post($"/api/agreements/{w.AgreementId}/statements/{w.StatementId}/corrections", w.Correction);
                return await w.Post($"/api/agreements/{w.AgreementId}/statements/{w.StatementId}/corrections", w.Correction);
            }),
            C(400, "no reason", w => w.Post($"/api/agreements/{w.AgreementId}/statements/{w.StatementId}/corrections", new { correctionId = Guid.NewGuid(), changes = new { place = "Kyiv" } })),
            C(404, "unknown statement", w => w.Post($"/api/agreements/{w.AgreementId}/statements/{Guid.NewGuid()}/corrections", w.Correction)),
            C(409, "a retracted statement", async w =>
            {
                await w.Post($"/api/agreements/{w.AgreementId}/statements/{w.StatementId}/retraction", new { reason = "a hoax" });
                return await w.Post($"/api/agreements/{w.AgreementId}/statements/{w.StatementId}/corrections", w.Correction);
            }),
        ],
        ["POST /api/agreements/{agreementId}/statements/{statementId}/retraction"] =
        [
            C(201, "retract", w => w.Post($"/api/agreements/{w.AgreementId}/statements/{w.StatementId}/retraction", new { reason = "a hoax" })),
            C(202, "proposed where review is required", w => w.Reviewed((a, st) => w.Post($"/api/agreements/{a}/statements/{st}/retraction", new { reason = "a hoax" }), approved: true)),
            C(200, "the same again", async w =>
            {
                await w.Post($"/api/agreements/{w.AgreementId}/statements/{w.StatementId}/retraction", new { reason = "a hoax" });
                return await w.Post($"/api/agreements/{w.AgreementId}/statements/{w.StatementId}/retraction", new { reason = "a hoax" });
            }),
            C(400, "no reason", w => w.Post($"/api/agreements/{w.AgreementId}/statements/{w.StatementId}/retraction", new { })),
            C(404, "unknown statement", w => w.Post($"/api/agreements/{w.AgreementId}/statements/{Guid.NewGuid()}/retraction", new { reason = "r" })),
            C(409, "retracted already, other reason", async w =>
            {
                await w.Post($"/api/agreements/{w.AgreementId}/statements/{w.StatementId}/retraction", new { reason = "a hoax" });
                return await w.Post($"/api/agreements/{w.AgreementId}/statements/{w.StatementId}/retraction", new { reason = "misattributed" });
            }),
        ],
        ["GET /api/reports/status"] =
        [
            C(200, "json page", w => w.Get($"/api/reports/status?agreement={w.AgreementId}")),
            C(200, "markdown", w => w.Get($"/api/reports/status?agreement={w.AgreementId}&format=md")),
            C(200, "csv", w => w.Get($"/api/reports/status?agreement={w.AgreementId}&format=csv")),
            C(200, "html", w => w.Get($"/api/reports/status?agreement={w.AgreementId}&format=html")),
            C(200, "xlsx", w => w.Get($"/api/reports/status?agreement={w.AgreementId}&format=xlsx")),
            C(400, "unknown stage", w => w.Get("/api/reports/status?stage=done")),
            C(200, "by speaker and actor", w => w.Get($"/api/reports/status?agreement={w.AgreementId}&speaker=umerov&actor=UKR")),
            C(400, "speaker with knownAt", w => w.Get("/api/reports/status?speaker=umerov&knownAt=2025-01-01T00:00:00Z")),
        ],
        ["GET /api/reports/evidence"] =
        [
            C(200, "csv", w => w.Get($"/api/reports/evidence?agreement={w.AgreementId}")),
            C(400, "not csv", w => w.Get("/api/reports/evidence?format=html")),
        ],
        ["GET /api/reports/changes"] =
        [
            C(200, "json page", w => w.Get("/api/reports/changes?from=2025-01-01&to=2025-12-31&pageSize=5")),
            C(200, "csv", w => w.Get("/api/reports/changes?from=2025-01-01&to=2025-12-31&format=csv")),
            C(400, "asOf does not apply", w => w.Get("/api/reports/changes?asOf=2025-12-31")),
            C(400, "xlsx is the status report's", w => w.Get("/api/reports/changes?format=xlsx")),
        ],
        ["GET /api/integrity"] =
        [
            C(200, "the chain verified", w => w.Get("/api/integrity", w.Admin)),
            C(400, "from not a sequence number", w => w.Get("/api/integrity?from=0", w.Admin)),
        ],
        ["GET /api/actors"] =
        [
            C(200, "a search", w => w.Get("/api/actors?q=ukr&kind=state")),
            C(400, "an unknown kind", w => w.Get("/api/actors?kind=corporation")),
        ],
        ["GET /api/actors/{actorId}"] =
        [
            C(200, "read", w => w.Get("/api/actors/FRA")),
            C(400, "page 0", w => w.Get("/api/actors/FRA?page=0")),
            C(404, "unknown", w => w.Get($"/api/actors/{w.Code("NOPE")}")),
        ],
        ["POST /api/actors"] =
        [
            C(201, "register", w => w.Post("/api/actors", w.Company(w.Code("CO")))),
            C(200, "the same again", async w =>
            {
                var code = w.Code("CO");
                await w.Post("/api/actors", w.Company(code));
                return await w.Post("/api/actors", w.Company(code));
            }),
            C(400, "an unknown kind", w => w.Post("/api/actors", new { actorId = w.Code("CO"), kind = "corporation", name = "Acme" })),
            C(409, "a built-in code", w => w.Post("/api/actors", new { actorId = "FRA", kind = "state", name = "France" })),
        ],
        ["POST /api/actors/{actorId}/aliases"] =
        [
            C(201, "add", async w => await w.Registered(w.Code("CO"), code => w.Post($"/api/actors/{code}/aliases", new { alias = code + " Group" }))),
            C(200, "the same again", async w => await w.Registered(w.Code("CO"), async code =>
            {
                await w.Post($"/api/actors/{code}/aliases", new { alias = code + " Group" });
                return await w.Post($"/api/actors/{code}/aliases", new { alias = code + " Group" });
            })),
            C(400, "another actor's alias", async w => await w.Registered(w.Code("CO"), code => w.Post($"/api/actors/{code}/aliases", new { alias = "EUE" }))),
            C(404, "unknown actor", w => w.Post($"/api/actors/{w.Code("NOPE")}/aliases", new { alias = "x" })),
        ],
        ["POST /api/actors/{actorId}/alias-removals"] =
        [
            C(201, "remove", async w => await w.Registered(w.Code("CO"), async code =>
            {
                await w.Post($"/api/actors/{code}/aliases", new { alias = code + " Group" });
                return await w.Post($"/api/actors/{code}/alias-removals", new { alias = code + " Group", reason = "another company's name" });
            })),
            C(400, "not its alias", async w => await w.Registered(w.Code("CO"), code => w.Post($"/api/actors/{code}/alias-removals", new { alias = "Nope", reason = "r" }))),
            C(404, "unknown actor", w => w.Post($"/api/actors/{w.Code("NOPE")}/alias-removals", new { alias = "x", reason = "r" })),
        ],
        ["POST /api/actors/{actorId}/rename"] =
        [
            C(201, "rename", async w => await w.Registered(w.Code("CO"), code => w.Post($"/api/actors/{code}/rename", new { name = "Renamed" }))),
            C(200, "the same name", async w => await w.Registered(w.Code("CO"), code => w.Post($"/api/actors/{code}/rename", new { name = "Acme " + code }))),
            C(400, "an empty name", async w => await w.Registered(w.Code("CO"), code => w.Post($"/api/actors/{code}/rename", new { name = " " }))),
            C(404, "unknown actor", w => w.Post($"/api/actors/{w.Code("NOPE")}/rename", new { name = "x" })),
        ],
        ["POST /api/actors/{actorId}/merge"] =
        [
            C(201, "merge", async w => await w.Registered(w.Code("CO"), code => w.Post($"/api/actors/{code}/merge", new { intoActorId = "FRA", reason = "duplicate" }))),
            C(200, "the same again", async w => await w.Registered(w.Code("CO"), async code =>
            {
                await w.Post($"/api/actors/{code}/merge", new { intoActorId = "FRA", reason = "duplicate" });
                return await w.Post($"/api/actors/{code}/merge", new { intoActorId = "FRA", reason = "duplicate" });
            })),
            C(400, "into itself", async w => await w.Registered(w.Code("CO"), code => w.Post($"/api/actors/{code}/merge", new { intoActorId = code, reason = "r" }))),
            C(404, "unknown actor", w => w.Post($"/api/actors/{w.Code("NOPE")}/merge", new { intoActorId = "FRA", reason = "r" })),
            C(409, "already merged elsewhere", async w => await w.Registered(w.Code("CO"), async code =>
            {
                await w.Post($"/api/actors/{code}/merge", new { intoActorId = "FRA", reason = "duplicate" });
                return await w.Post($"/api/actors/{code}/merge", new { intoActorId = "DEU", reason = "no, this one" });
            })),
        ],
        ["GET /api/people"] =
        [
            C(200, "a search", w => w.Get("/api/people?q=umerov")),
            C(400, "page 0", w => w.Get("/api/people?page=0")),
        ],
        ["GET /api/people/{personId}"] =
        [
            C(200, "read", async w => await w.Person(id => w.Get($"/api/people/{id}"))),
            C(400, "page 0", async w => await w.Person(id => w.Get($"/api/people/{id}?page=0"))),
            C(404, "unknown", w => w.Get($"/api/people/{w.Unique("nobody")}")),
        ],
        ["POST /api/people"] =
        [
            C(201, "register", w => w.Post("/api/people", new { name = "Person " + w.Unique("p"), aliases = new[] { "Персона " + w.Unique("p") } })),
            C(200, "the same again", async w =>
            {
                var name = "Person " + w.Unique("p");
                await w.Post("/api/people", new { name });
                return await w.Post("/api/people", new { name });
            }),
            C(400, "no name", w => w.Post("/api/people", new { aliases = new[] { "x" } })),
            C(409, "the id of another", async w =>
            {
                var id = w.Unique("p");
                await w.Post("/api/people", new { personId = id, name = "One " + id });
                return await w.Post("/api/people", new { personId = id, name = "Another " + id });
            }),
        ],
        ["POST /api/people/{personId}/aliases"] =
        [
            C(201, "add", async w => await w.Person(id => w.Post($"/api/people/{id}/aliases", new { alias = "Alias " + id }))),
            C(200, "its own name", async w => await w.Person(id => w.Post($"/api/people/{id}/aliases", new { alias = "PERSON " + id }))),
            C(400, "an empty alias", async w => await w.Person(id => w.Post($"/api/people/{id}/aliases", new { alias = " " }))),
            C(404, "unknown person", w => w.Post($"/api/people/{w.Unique("nobody")}/aliases", new { alias = "x" })),
        ],
        ["POST /api/people/{personId}/roles"] =
        [
            C(201, "add", async w => await w.Person(id => w.Post($"/api/people/{id}/roles", new { role = "Minister", actor = "UKR", from = "2020-01-01" }))),
            C(200, "the same again", async w => await w.Person(async id =>
            {
                await w.Post($"/api/people/{id}/roles", new { role = "Minister", actor = "UKR", from = "2020-01-01" });
                return await w.Post($"/api/people/{id}/roles", new { role = "Minister", actor = "UKR", from = "2020-01-01" });
            })),
            C(400, "ends before it begins", async w => await w.Person(id => w.Post($"/api/people/{id}/roles", new { role = "Minister", from = "2020-01-01", to = "2019-01-01" }))),
            C(404, "unknown person", w => w.Post($"/api/people/{w.Unique("nobody")}/roles", new { role = "x" })),
        ],
        ["GET /api/audit"] =
        [
            C(200, "a page", w => w.Get($"/api/audit?agreement={w.AgreementId}")),
            C(400, "from not an instant", w => w.Get("/api/audit?from=yesterday")),
        ],
        // Webhook targets here are never contacted: a public address subscribed to an agreement nothing writes to after,
        // or rows pointing at loopback, which this host (private targets not allowed) refuses before connecting.
        ["GET /api/subscriptions"] = [C(200, "the caller's subscriptions", w => w.Get("/api/subscriptions"))],
        ["POST /api/subscriptions"] =
        [
            C(201, "subscribe", w => w.Post("/api/subscriptions", new { url = PublicHook, filter = new { agreement = w.AgreementId } })),
            C(400, "a loopback target", w => w.Post("/api/subscriptions", new { url = "http://127.0.0.1/hook" })),
        ],
        ["DELETE /api/subscriptions/{id}"] =
        [
            C(204, "remove", async w => await w.Delete($"/api/subscriptions/{(await w.DeliveryAsync(delivered: false)).Subscription}")),
            C(404, "not the caller's", async w => await w.Delete($"/api/subscriptions/{(await w.DeliveryAsync(delivered: false)).Subscription}", w.SecondAnalyst)),
            C(400, "a query parameter", w => w.Delete($"/api/subscriptions/{Guid.NewGuid()}?now=true")),
        ],
        ["GET /api/subscriptions/{id}/deliveries"] =
        [
            C(200, "dead letters", async w => await w.Get($"/api/subscriptions/{(await w.DeliveryAsync(delivered: false)).Subscription}/deliveries?state=dead")),
            C(400, "an unknown state", w => w.Get($"/api/subscriptions/{Guid.NewGuid()}/deliveries?state=lost")),
            C(404, "not the caller's", w => w.Get($"/api/subscriptions/{Guid.NewGuid()}/deliveries")),
        ],
        ["POST /api/subscriptions/{id}/deliveries/{deliveryId}/retry"] =
        [
            C(200, "retry a dead letter", async w =>
            {
                var (subscription, delivery) = await w.DeliveryAsync(delivered: false);
                return await w.Post($"/api/subscriptions/{subscription}/deliveries/{delivery}/retry", null);
            }),
            C(404, "no such delivery", w => w.Post($"/api/subscriptions/{Guid.NewGuid()}/deliveries/1/retry", null)),
            C(400, "a query parameter", w => w.Post($"/api/subscriptions/{Guid.NewGuid()}/deliveries/1/retry?now=true", null)),
            C(409, "delivered already", async w =>
            {
                var (subscription, delivery) = await w.DeliveryAsync(delivered: true);
                return await w.Post($"/api/subscriptions/{subscription}/deliveries/{delivery}/retry", null);
            }),
        ],
        ["POST /api/agreements/{agreementId}/statements/{statementId}/review"] =
        [
            C(201, "approve", w => w.Reviewed((a, st) => w.Post($"/api/agreements/{a}/statements/{st}/review", new { decision = "approve" }, w.SecondAnalyst))),
            C(400, "return without a reason", w => w.Reviewed((a, st) => w.Post($"/api/agreements/{a}/statements/{st}/review", new { decision = "return" }, w.SecondAnalyst))),
            C(403, "the proposer's own", w => w.Reviewed((a, st) => w.Post($"/api/agreements/{a}/statements/{st}/review", new { decision = "approve" }))),
            C(404, "no proposal", w => w.Post($"/api/agreements/{w.AgreementId}/statements/{w.StatementId}/review", new { decision = "approve" }, w.SecondAnalyst)),
            C(409, "decided already", w => w.Reviewed(async (a, st) =>
            {
                await w.Post($"/api/agreements/{a}/statements/{st}/review", new { decision = "reject", reason = "no such meeting" }, w.SecondAnalyst);
                return await w.Post($"/api/agreements/{a}/statements/{st}/review", new { decision = "approve" }, w.Admin);
            })),
        ],
        ["GET /api/reviews"] =
        [
            C(200, "the queue", w => w.Get($"/api/reviews?state=awaiting&agreement={w.AgreementId}&pageSize=5")),
            C(400, "an unknown state", w => w.Get("/api/reviews?state=pending")),
        ],
        ["POST /api/agreements/{agreementId}/review"] =
        [
            C(201, "require review", w => w.Post($"/api/agreements/{w.AgreementId}/review", new { review = "required" }, w.Admin)),
            C(200, "as it is", w => w.Post($"/api/agreements/{w.AgreementId}/review", new { review = "none" }, w.Admin)),
            C(400, "not a policy", w => w.Post($"/api/agreements/{w.AgreementId}/review", new { review = "sometimes" }, w.Admin)),
            C(404, "unknown agreement", w => w.Post($"/api/agreements/{w.Unique("nope")}/review", new { review = "required" }, w.Admin)),
        ],
        ["GET /api/feed"] =
        [
            C(200, "a page of one agreement", w => w.Get($"/api/feed?agreement={w.AgreementId}&limit=10")),
            C(400, "a cursor it never gave out", w => w.Get("/api/feed?after=not-a-cursor")),
        ],
        ["GET /api/agreements/{agreementId}/statements/{statementId}/captures"] =
        [
            C(400, "a statement id that is no GUID", w => w.Get($"/api/agreements/{w.AgreementId}/statements/nope/captures")),
            C(404, "nothing captured (capture is off here)", w => w.Get($"/api/agreements/{w.AgreementId}/statements/{Guid.NewGuid()}/captures")),
        ],
        ["POST /api/agreements/{agreementId}/documents"] =
        [
            C(201, "attach a text", w => w.Post($"/api/agreements/{w.AgreementId}/documents", Upload("file", "loi.txt", "Letter of intent"))),
            C(400, "no file part", w => w.Post($"/api/agreements/{w.AgreementId}/documents", Upload("other", "loi.txt", "Letter of intent"))),
            C(404, "unknown agreement", w => w.Post($"/api/agreements/{w.Unique("nope")}/documents", Upload("file", "loi.txt", "x"))),
        ],
        ["GET /api/agreements/{agreementId}/documents"] =
        [
            C(200, "the agreement's documents", w => w.Get($"/api/agreements/{w.AgreementId}/documents")),
            C(400, "knownAt not an instant", w => w.Get($"/api/agreements/{w.AgreementId}/documents?knownAt=soon")),
            C(404, "unknown agreement", w => w.Get($"/api/agreements/{w.Unique("nope")}/documents")),
        ],
        ["GET /api/captures/{sha256}/text"] =
        [
            C(400, "not a SHA-256", w => w.Get("/api/captures/abc/text")),
            C(404, "nothing has that hash", w => w.Get($"/api/captures/{new string('0', 64)}/text")),
        ],
        ["GET /api/captures/{sha256}/original"] =
        [
            C(400, "not a SHA-256", w => w.Get("/api/captures/abc/original")),
            C(404, "nothing has that hash", w => w.Get($"/api/captures/{new string('0', 64)}/original")),
        ],
        ["GET /api/watchlist"] = [C(200, "the caller's follows", w => w.Get("/api/watchlist"))],
        ["POST /api/watchlist"] =
        [
            C(201, "follow", w => w.Post("/api/watchlist", new { agreement = w.AgreementId, commitment = Commitment })),
            C(200, "the same again", async w =>
            {
                await w.Post("/api/watchlist", new { agreement = w.AgreementId });
                return await w.Post("/api/watchlist", new { agreement = w.AgreementId });
            }),
            C(201, "a saved filter with the change asked for", w => w.Post("/api/watchlist", new { category = "air-defence", reaches = "signed", becomesContested = true })),
            C(400, "an unknown category", w => w.Post("/api/watchlist", new { category = "air-defense-typo" })),
            C(400, "a stage that is none", w => w.Post("/api/watchlist", new { category = "air-defence", reaches = "signd" })),
        ],
        ["POST /api/watchlist/{id}/removal"] =
        [
            C(204, "unfollow", async w =>
            {
                var follow = await w.Post("/api/watchlist", new { agreement = w.AgreementId });
                return await w.Post($"/api/watchlist/{JsonNode.Parse(follow.Text)!["id"]}/removal", null);
            }),
            C(400, "a query parameter", w => w.Post($"/api/watchlist/{Guid.NewGuid()}/removal?now=true", null)),
            C(404, "not a follow of the caller's", w => w.Post($"/api/watchlist/{Guid.NewGuid()}/removal", null)),
        ],
        ["POST /api/watchlist/feed-key"] =
        [
            C(201, "rotate", w => w.Post("/api/watchlist/feed-key", null)),
            C(400, "a query parameter", w => w.Post("/api/watchlist/feed-key?now=true", null)),
        ],
    };

    public static TheoryData<string> Operations() => new(Cases.Keys);

    [Fact]
    public async Task every_operation_and_every_status_the_description_lists_has_a_case_here()
    {
        var description = await Description();
        var missing = new List<string>();
        foreach (var (operation, responses) in Operations(description))
        {
            if (!Cases.TryGetValue(operation, out var cases))
            {
                missing.Add($"{operation}: no cases (a new endpoint? add its happy path and each error to {nameof(Cases)})");
                continue;
            }
            foreach (var status in responses.Select(r => int.Parse(r.Key)))
                if (cases.All(c => c.Status != status) && !Refusals.Contains(status) && !ProducedElsewhere.ContainsKey($"* {status}")
                    && !ProducedElsewhere.ContainsKey($"{operation} {status}"))
                    missing.Add($"{operation} {status}: listed, but no case produces it");
        }
        foreach (var operation in Cases.Keys.Except(Operations(description).Select(o => o.Key)))
            missing.Add($"{operation}: has cases but is not in the description");
        missing.ShouldBeEmpty(string.Join("\n", missing));
    }

    [Fact]
    public async Task no_schema_in_the_description_is_empty()
    {
        var description = await Description();
        var empty = description["components"]!["schemas"]!.AsObject()
            .Where(s => s.Value is JsonObject { Count: 0 }).Select(s => "components/schemas/" + s.Key)
            .Concat(Operations(description).SelectMany(o => o.Value.SelectMany(r =>
                (r.Value!["content"]?.AsObject() ?? []).Where(c => c.Value!["schema"] is not JsonObject { Count: > 0 })
                .Select(c => $"{o.Key} {r.Key} {c.Key}"))))
            .ToList();
        empty.ShouldBeEmpty(string.Join("\n", empty));
    }

    [Theory]
    [MemberData(nameof(Operations))]
    public async Task each_answer_is_a_status_content_type_and_body_the_description_lists(string operation)
    {
        var description = await Description();
        var responses = Operations(description).Single(o => o.Key == operation).Value;
        var failures = new List<string>();
        foreach (var c in Cases[operation])
        {
            var world = await World.CreateAsync(app);
            var answer = await c.Send(world);
            if (answer.Status != c.Status)
                failures.Add($"{c.Name}: expected {c.Status}, got {answer.Status}: {answer.Text}");
            failures.AddRange(Check(description, responses, answer).Select(f => $"{c.Name}: {f}"));
        }
        foreach (var status in Refusals.Where(s => responses.ContainsKey(s.ToString())))
        {
            var answer = await Refused(operation, status);
            if (answer.Status != status) failures.Add($"refusal {status}: got {answer.Status}: {answer.Text}");
            failures.AddRange(Check(description, responses, answer).Select(f => $"refusal {status}: {f}"));
        }
        failures.ShouldBeEmpty(string.Join("\n", failures));
    }

    /// <summary>What the description says is wrong with this answer, if anything.</summary>
    private static IEnumerable<string> Check(JsonNode description, JsonObject responses, Answer answer)
    {
        if (responses[answer.Status.ToString()] is not { } response)
        {
            yield return $"status {answer.Status} is not in the description (it lists {string.Join(", ", responses.Select(r => r.Key))})";
            yield break;
        }
        var content = response["content"]?.AsObject();
        if (content is null || content.Count == 0)
        {
            if (answer.Text.Length > 0) yield return $"the description lists no body for {answer.Status}, but one came: {answer.Text}";
            yield break;
        }
        if (content[answer.MediaType] is not { } media)
        {
            yield return $"content type '{answer.MediaType}' is not listed for {answer.Status} (listed: {string.Join(", ", content.Select(c => c.Key))})";
            yield break;
        }
        JsonNode? body;
        if (!answer.MediaType.EndsWith("json", StringComparison.Ordinal)) body = JsonValue.Create(answer.Text);
        else
        {
            try { body = JsonNode.Parse(answer.Text); }
            catch (System.Text.Json.JsonException e) { body = null; answer = answer with { Text = e.Message }; }
            if (body is null)
            {
                yield return $"the body is not JSON: {answer.Text}";
                yield break;
            }
        }
        var result = SchemaOf(description, media["schema"]!).Evaluate(body, new EvaluationOptions
        {
            OutputFormat = OutputFormat.List, RequireFormatValidation = true,
        });
        if (!result.IsValid)
            foreach (var detail in result.Details.Where(d => d.HasErrors))
                foreach (var (keyword, error) in detail.Errors!)
                    yield return $"{detail.InstanceLocation} ({detail.EvaluationPath} {keyword}): {error}";
    }

    /// <summary>An OpenAPI 3.1 schema as a standalone JSON Schema: the components become its $defs.</summary>
    private static JsonSchema SchemaOf(JsonNode description, JsonNode schema)
    {
        var defs = JsonNode.Parse(description["components"]!["schemas"]!.ToJsonString().Replace("#/components/schemas/", "#/$defs/"))!;
        var root = JsonNode.Parse(schema.ToJsonString().Replace("#/components/schemas/", "#/$defs/"))!.AsObject();
        root["$schema"] = "https://json-schema.org/draft/2020-12/schema";
        root["$id"] = $"https://tracker.test/schemas/{Guid.NewGuid():N}";
        root["$defs"] = defs;
        return JsonSchema.FromText(root.ToJsonString());
    }

    /// <summary>A request each refusal answers, whatever the route's values: the endpoint itself never runs.</summary>
    private async Task<Answer> Refused(string operation, int status)
    {
        var world = new World(app, "", "");
        var method = operation.Split(' ')[0];
        var url = System.Text.RegularExpressions.Regex.Replace(operation.Split(' ')[1], @"\{[^}]+\}", "x");
        var writer = url.StartsWith("/api/users", StringComparison.Ordinal) ? app.AnalystToken : app.ReaderToken;
        return (method, status) switch
        {
            ("GET", 401) => await world.Get(url, world.Nobody),
            ("DELETE", 401) => await world.Delete(url, world.Nobody),
            ("DELETE", 403) => await world.Delete(url, writer),
            (_, 401) => await world.Post(url, new { }, world.Nobody),
            ("GET", 403) => await world.Get(url, writer),
            (_, 403) => await world.Post(url, new { }, writer),
            (_, 413) => await world.Post(url, "{\"title\":\"" + new string('a', 300 * 1024) + "\"}", app.AdminToken),
            (_, 415) => await world.Post(url, new Raw("title=x", "application/x-www-form-urlencoded"), app.AdminToken),
            _ => throw new InvalidOperationException($"no request for {status}"),
        };
    }

    private static IEnumerable<KeyValuePair<string, JsonObject>> Operations(JsonNode description) =>
        description["paths"]!.AsObject().SelectMany(path => path.Value!.AsObject()
            .Select(op => new KeyValuePair<string, JsonObject>($"{op.Key.ToUpperInvariant()} {path.Key}", op.Value!["responses"]!.AsObject())));

    private async Task<JsonNode> Description() => JsonNode.Parse((await new World(app, "", "").Get("/openapi/v1.json", "")).Text)!;

    private static JsonObject Without(object body, string field)
    {
        var json = System.Text.Json.JsonSerializer.SerializeToNode(body)!.AsObject();
        json.Remove(field);
        return json;
    }

    private static JsonObject With(object body, string field, string value)
    {
        var json = System.Text.Json.JsonSerializer.SerializeToNode(body)!.AsObject();
        json[field] = value;
        return json;
    }

    private sealed record Raw(string Text, string ContentType);

    /// <summary>A multipart/form-data body with one file part, as a browser or curl -F sends it.</summary>
    private static Raw Upload(string part, string fileName, string content) => new(
        $"--b0undary\r\nContent-Disposition: form-data; name=\"{part}\"; filename=\"{fileName}\"\r\nContent-Type: text/plain\r\n\r\n{content}\r\n--b0undary--\r\n",
        "multipart/form-data; boundary=b0undary");

    private sealed record Answer(int Status, string MediaType, string Text);

    /// <summary>An agreement with one commitment and one statement, fresh for each case.</summary>
    private sealed class World(TrackerApp app, string agreementId, string statementId)
    {
        public string AgreementId { get; } = agreementId;
        public string StatementId { get; } = statementId;
        public object Recorded { get; private init; } = new { };
        public object Correction { get; } = new { correctionId = Guid.NewGuid(), reason = "misread the place", changes = new { place = "Kyiv" } };
        public string Nobody => "";
        public string Admin => app.AdminToken;

        public static async Task<World> CreateAsync(TrackerApp app)
        {
            var api = new Api(app);
            var id = "contract-" + Guid.NewGuid().ToString("N")[..10];
            var statementId = Guid.NewGuid();
            await api.Open(id, Commitment);
            var recorded = Api.Statement(Commitment, "under-examination", id: statementId);
            await api.Record(id, recorded);
            return new World(app, id, statementId.ToString()) { Recorded = recorded };
        }

        public string Unique(string prefix) => $"{prefix}-{Guid.NewGuid().ToString("N")[..10]}";

        /// <summary>A fresh actor code (capitals).</summary>
        public string Code(string prefix) => prefix + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();

        public object Company(string code) => new { actorId = code, kind = "company", name = "Acme " + code, country = "FRA" };

        public async Task<Answer> Registered(string code, Func<string, Task<Answer>> then)
        {
            await Post("/api/actors", Company(code));
            return await then(code);
        }

        public async Task<Answer> Person(Func<string, Task<Answer>> then)
        {
            var id = Unique("p");
            await Post("/api/people", new { personId = id, name = "Person " + id });
            return await then(id);
        }

        public object Opening(string id) => new
        {
            agreementId = id, title = "Ukraine–France defence-industrial cooperation", parties = new[] { "UKR", "FRA" },
            tags = new[] { "defence-industry" },
        };

        public string SecondAnalyst => app.SecondAnalystToken;

        /// <summary>An agreement that requires review, with a statement the analyst proposed (approved by the second
        /// analyst when <paramref name="approved"/>).</summary>
        public async Task<Answer> Reviewed(Func<string, string, Task<Answer>> then, bool approved = false)
        {
            var id = Unique("rv");
            await Post("/api/agreements", new { agreementId = id, title = "T", parties = new[] { "UKR", "FRA" }, review = "required" });
            await Post($"/api/agreements/{id}/commitments", new { commitmentId = Commitment, title = "J", category = "air-defence" });
            var statementId = Guid.NewGuid();
            (await Post($"/api/agreements/{id}/statements", Api.Statement(Commitment, "announced", id: statementId))).Status.ShouldBe(202);
            if (approved)
                (await Post($"/api/agreements/{id}/statements/{statementId}/review", new { decision = "approve" }, SecondAnalyst)).Status.ShouldBe(201);
            return await then(id, statementId.ToString());
        }

        public Task<Answer> Get(string url, string? token = null) => Send(url, null, token, null, "GET");

        public Task<Answer> Post(string url, object? body, string? token = null, string? ifMatch = null) =>
            Send(url, body, token, ifMatch, "POST");

        public Task<Answer> Delete(string url, string? token = null) => Send(url, null, token, null, "DELETE");

        /// <summary>A subscription of the analyst's, to loopback (refused by this host before connecting), with one
        /// delivery dead-lettered or delivered: rows as the dispatcher and a sender would have left them.</summary>
        public async Task<(Guid Subscription, long Delivery)> DeliveryAsync(bool delivered)
        {
            await using var conn = new Npgsql.NpgsqlConnection(app.ConnectionString);
            await conn.OpenAsync();
            var subscription = Guid.NewGuid();
            await using var cmd = new Npgsql.NpgsqlCommand("""
                with s as (
                    insert into tracker.webhook_subscriptions (id, user_name, url, events, secret, created_at, from_position)
                    values (@s, @u, 'http://127.0.0.1:9/never', array['status-changed'], 'not a protected secret', now(), 0)
                    returning id)
                insert into tracker.webhook_deliveries (subscription_id, seq_id, slot, position, created_at, window_from,
                    next_attempt_at, attempts, delivered_at, dead_at, last_status)
                select s.id, 0, 1, 0, now(), now(), now(), 9, case when @d then now() end, case when not @d then now() end, 500
                from s
                returning id
                """, conn);
            cmd.Parameters.AddWithValue("s", subscription);
            cmd.Parameters.AddWithValue("u", TrackerApp.Analyst);
            cmd.Parameters.AddWithValue("d", delivered);
            return (subscription, (long)(await cmd.ExecuteScalarAsync())!);
        }

        private async Task<Answer> Send(string url, object? body, string? token, string? ifMatch, string method)
        {
            var query = url.Contains('?') ? url[url.IndexOf('?')..] : "";
            url = url[..^query.Length];
            var result = await app.Host.Scenario(s =>
            {
                s.ConfigureHttpContext(c => c.Request.QueryString = new Microsoft.AspNetCore.Http.QueryString(query));
                if (method == "GET") s.Get.Url(url);
                else if (method == "DELETE") s.Delete.Url(url);
                else if (body is null) s.Post.Url(url);
                else if (body is string raw) s.Post.Text(raw).ToUrl(url).ContentType("application/json");
                else if (body is Raw other) s.Post.Text(other.Text).ToUrl(url).ContentType(other.ContentType);
                else s.Post.Json(body).ToUrl(url);
                var bearer = token ?? app.AnalystToken;
                if (bearer.Length > 0) s.WithBearerToken(bearer);
                if (ifMatch is not null) s.WithRequestHeader("If-Match", ifMatch);
                s.IgnoreStatusCode();
            });
            var text = await result.ReadAsTextAsync();
            var mediaType = (result.Context.Response.ContentType ?? "").Split(';')[0].Trim();
            return new Answer(result.Context.Response.StatusCode, mediaType, text.TrimStart('\uFEFF'));
        }
    }
}
