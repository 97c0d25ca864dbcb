using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Npgsql;
using Tracker.Tests.Support;

namespace Tracker.Tests.Http;

/// <summary>
/// Generated malformed and hostile requests against every endpoint: each is a 4xx problem that names no internal
/// type, SQL or path, and the event log (tombstones included) is exactly as long afterwards as before.
/// </summary>
[Collection(AppCollection.Name)]
public class HostileInputTests(TrackerApp app)
{
    private const string Agreement = "hostile-target";
    private const string Commitment = "air-defence-joint-production";
    private static readonly Guid StatementId = Guid.Parse("5d7f3c1e-0a7b-4c51-9a61-3b2f1e9d0c42");

    public sealed record Case(string Name, string Method, string Url, string? Body, string Token = "analyst", string? IfMatch = null)
    {
        public override string ToString() => Name;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task a_hostile_request_is_a_clean_4xx_and_changes_nothing(Case c)
    {
        await EnsureTargetAsync();
        var before = await EventCountAsync();

        var api = new Support.Api(app, c.Token switch
        {
            "admin" => app.AdminToken, "reader" => app.ReaderToken, "analyst" => app.AnalystToken, var made_up => made_up,
        });
        var (status, body, result) = await api.Send(new HttpMethod(c.Method), c.Url, c.Body,
            s => { if (c.IfMatch is not null) s.WithRequestHeader("If-Match", c.IfMatch); });

        ((int)status).ShouldBeInRange(400, 499, $"{c.Name}: {body?.ToJsonString()}");
        body.ShouldNotBeNull($"{c.Name}: a problem body");
        body["status"]!.GetValue<int>().ShouldBe((int)status);
        body["title"].ShouldNotBeNull();
        result.Context.Response.ContentType.ShouldStartWith("application/problem+json");
        var text = body.ToJsonString();
        foreach (var leak in new[] { "Exception", "   at ", "System.", "Npgsql", "Marten", "Wolverine", "JasperFx", "select ", "insert ",
                     "Tracker.", "/work/", "/tmp/", ".cs:" })
            text.ShouldNotContain(leak, Shouldly.Case.Insensitive, c.Name);
        (await EventCountAsync()).ShouldBe(before, $"{c.Name} changed the event log");
    }

    [Fact]
    public void the_suite_tries_at_least_200_requests_on_every_endpoint()
    {
        var cases = Cases().Select(c => (Case)c[0]).ToList();
        cases.Count.ShouldBeGreaterThanOrEqualTo(200);
        cases.Select(c => c.Name).Distinct().Count().ShouldBe(cases.Count);
        foreach (var route in Writes.Select(w => w.Url).Concat(Reads))
            cases.ShouldContain(c => c.Url.Split('?')[0] == route.Split('?')[0], route);
    }

    private async Task EnsureTargetAsync()
    {
        var api = new Support.Api(app);
        await api.Send(HttpMethod.Post, "/api/agreements",
            new { agreementId = Agreement, title = "Hostile target", parties = new[] { "UKR", "FRA" } });
        await api.Send(HttpMethod.Post, $"/api/agreements/{Agreement}/commitments",
            new { commitmentId = Commitment, title = "Joint production", category = "air-defence" });
        await api.Send(HttpMethod.Post, $"/api/agreements/{Agreement}/statements",
            Support.Api.Statement(Commitment, "raised", id: StatementId));
        // A proposal awaiting review, proposed by the analyst these cases run as: a review that got through would be theirs (403).
        await api.Send(HttpMethod.Post, "/api/agreements",
            new { agreementId = Reviewed, title = "Hostile reviewed", parties = new[] { "UKR", "FRA" }, review = "required" });
        await api.Send(HttpMethod.Post, $"/api/agreements/{Reviewed}/commitments",
            new { commitmentId = Commitment, title = "Joint production", category = "air-defence" });
        await api.Send(HttpMethod.Post, $"/api/agreements/{Reviewed}/statements", Support.Api.Statement(Commitment, "raised", id: StatementId));
        // Subscriptions filter on an agreement nothing is written to: a hostile body accepted by mistake sends nothing.
        await api.Send(HttpMethod.Post, "/api/agreements", new { agreementId = QuietAgreement, title = "Quiet", parties = new[] { "UKR", "FRA" } });
    }

    private const string QuietAgreement = "hostile-quiet";
    private const string Reviewed = "hostile-reviewed";

    private async Task<long> EventCountAsync()
    {
        await using var conn = new NpgsqlConnection(app.ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("select count(*) from tracker.mt_events", conn);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    private sealed record Write(string Name, string Url, JsonObject Valid, string Token = "analyst");

    private static JsonObject StatementBody() => new()
    {
        ["statementId"] = Guid.NewGuid().ToString(),
        ["saidOn"] = "2025-06-05",
        ["speaker"] = new JsonObject { ["name"] = "Rustem Umerov", ["role"] = "Minister of Defence", ["actor"] = "UKR" },
        ["place"] = "Brussels",
        ["quote"] = "Darüber hinaus vereinbarten die Seiten, … zu prüfen.",
        ["language"] = "de",
        ["translation"] = "The sides agreed to examine …",
        ["source"] = new JsonObject { ["outlet"] = "Example Outlet", ["kind"] = "media-report", ["url"] = "https://example.org/a" },
        ["assertions"] = new JsonArray(new JsonObject { ["commitmentId"] = Commitment, ["stage"] = "announced" }),
    };

    private static readonly Write[] Writes =
    [
        new("open", "/api/agreements", new JsonObject
        {
            ["agreementId"] = "hostile-new", ["title"] = "New", ["parties"] = new JsonArray("UKR", "FRA"), ["summary"] = "S",
        }),
        new("commit", $"/api/agreements/{Agreement}/commitments", new JsonObject
        {
            ["commitmentId"] = "hostile-commitment", ["title"] = "C", ["category"] = "drones",
        }),
        new("record", $"/api/agreements/{Agreement}/statements", StatementBody()),
        new("correct", $"/api/agreements/{Agreement}/statements/{StatementId}/corrections", new JsonObject
        {
            ["changes"] = new JsonObject { ["quote"] = "Corrected quote", ["place"] = "Paris" }, ["reason"] = "misread",
        }),
        new("retract", $"/api/agreements/{Agreement}/statements/{StatementId}/retraction", new JsonObject { ["reason"] = "hoax" }),
        // A JSON body of any shape is no multipart upload: 415 (or 413 past the JSON limit), nothing stored.
        new("attach document", $"/api/agreements/{Agreement}/documents", new JsonObject { ["title"] = "Letter of intent" }),
        new("user", "/api/users", new JsonObject { ["name"] = "hostile.user", ["role"] = "reader" }, "admin"),
        new("actor", "/api/actors", new JsonObject
        {
            ["actorId"] = "HOSTILECO", ["kind"] = "company", ["name"] = "Hostile Co", ["country"] = "FRA",
            ["aliases"] = new JsonArray("Hostile Group"),
        }),
        new("actor alias", "/api/actors/FRA/aliases", new JsonObject { ["alias"] = "Hostile France" }),
        new("person", "/api/people", new JsonObject
        {
            ["name"] = "Hostile Person", ["aliases"] = new JsonArray("Хостайл Персон"),
            ["roles"] = new JsonArray(new JsonObject { ["role"] = "Minister", ["actor"] = "UKR", ["from"] = "2020-01-01" }),
        }),
        new("person role", "/api/people/hostile-person/roles", new JsonObject { ["role"] = "Minister", ["actor"] = "UKR" }),
        new("review", $"/api/agreements/{Reviewed}/statements/{StatementId}/review", new JsonObject
        {
            ["decision"] = "return", ["reason"] = "the source says otherwise",
        }),
        new("review policy", $"/api/agreements/{Agreement}/review", new JsonObject { ["review"] = "none" }, "admin"),
        new("follow", "/api/watchlist", new JsonObject
        {
            ["agreement"] = QuietAgreement, ["party"] = "UKR", ["category"] = "air-defence", ["reaches"] = "signed",
        }),
        new("subscribe", "/api/subscriptions", new JsonObject
        {
            ["url"] = "https://93.184.215.14/hooks/tracker",
            ["filter"] = new JsonObject { ["agreement"] = QuietAgreement, ["party"] = "UKR", ["category"] = "air-defence" },
            ["events"] = new JsonArray("status-changed"),
        }),
    ];

    private static readonly string[] Reads =
    [
        "/api/agreements", $"/api/agreements/{Agreement}", $"/api/agreements/{Agreement}/commitments/{Commitment}",
        $"/api/agreements/{Agreement}/commitments/{Commitment}/history", $"/api/agreements/{Agreement}/statements",
        $"/api/agreements/{Agreement}/statements/{StatementId}", "/api/reports/status", "/api/reports/changes", "/api/audit",
        "/api/users", "/api/actors", "/api/actors/FRA", "/api/people", "/api/people/hostile-person",
        "/api/subscriptions", $"/api/subscriptions/{Guid.Empty}/deliveries", "/api/feed", "/api/watchlist", "/api/reviews",
        $"/api/agreements/{Agreement}/statements/{StatementId}/captures", $"/api/captures/{NoCapture}/text",
        $"/api/captures/{NoCapture}/original", $"/api/agreements/{Agreement}/documents",
    ];

    private static readonly string NoCapture = new('0', 64);

    /// <summary>Every string-valued leaf of a body, as (path, setter) pairs.</summary>
    private static IEnumerable<string> StringPaths(JsonNode node, string path = "")
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (k, v) in o)
                    if (v is not null) foreach (var p in StringPaths(v, path.Length == 0 ? k : $"{path}.{k}")) yield return p;
                break;
            case JsonArray a:
                for (var i = 0; i < a.Count; i++)
                    if (a[i] is { } item) foreach (var p in StringPaths(item, $"{path}[{i}]")) yield return p;
                break;
            case JsonValue v when v.GetValueKind() == System.Text.Json.JsonValueKind.String:
                yield return path;
                break;
        }
    }

    private static JsonNode Locate(JsonNode root, string path, out string last)
    {
        var parts = path.Replace("[", ".[").Split('.');
        var node = root;
        for (var i = 0; i < parts.Length - 1; i++)
            node = parts[i].StartsWith('[') ? node[int.Parse(parts[i][1..^1])]! : node[parts[i]]!;
        last = parts[^1];
        return node;
    }

    private static string With(JsonObject valid, string path, JsonNode? value)
    {
        var copy = valid.DeepClone().AsObject();
        var parent = Locate(copy, path, out var last);
        if (last.StartsWith('[')) parent.AsArray()[int.Parse(last[1..^1])] = value;
        else parent.AsObject()[last] = value;
        return copy.ToJsonString();
    }

    private static string Without(JsonObject valid, string field)
    {
        var copy = valid.DeepClone().AsObject();
        copy.Remove(field);
        return copy.ToJsonString();
    }

    private static string Adding(JsonObject valid, string field, JsonNode value)
    {
        var copy = valid.DeepClone().AsObject();
        copy[field] = value;
        return copy.ToJsonString();
    }

    public static IEnumerable<object[]> Cases()
    {
        var cases = new List<Case>();
        void Add(string name, string method, string url, string? body, string token = "analyst", string? ifMatch = null) =>
            cases.Add(new Case(name, method, url, body, token, ifMatch));

        foreach (var w in Writes)
        {
            var valid = w.Valid.ToJsonString();
            // Shapes that are not the request at all.
            foreach (var (label, body) in new[]
                     {
                         ("null", "null"), ("array", "[]"), ("number", "42"), ("string", "\"text\""), ("true", "true"),
                         ("empty", ""), ("open brace", "{"), ("dangling value", "{\"a\":}"), ("truncated", valid[..(valid.Length / 2)]),
                         ("trailing garbage", valid + "}"), ("two documents", valid + valid), ("bare words", "agreement please"),
                         ("deep nesting", new string('[', 2000) + new string(']', 2000)),
                         ("nested object nesting", string.Concat(Enumerable.Repeat("{\"a\":", 200)) + "1" + new string('}', 200)),
                         ("bad utf-8 escape", "{\"x\": \"\\uZZZZ\"}"), ("single quotes", "{'agreementId': 'x'}"),
                         ("comment", "/* hi */" + valid),
                     })
                Add($"{w.Name}: body is {label}", "POST", w.Url, body, w.Token);

            // Fields the request does not have, or has twice.
            Add($"{w.Name}: unknown field 'id'", "POST", w.Url, Adding(w.Valid, "id", "a6f0c7a2-1111-4c51-9a61-3b2f1e9d0c42"), w.Token);
            Add($"{w.Name}: unknown field '__proto__'", "POST", w.Url, Adding(w.Valid, "__proto__", new JsonObject { ["admin"] = true }), w.Token);
            var (firstKey, firstValue) = w.Valid.First();
            Add($"{w.Name}: duplicate key", "POST", w.Url,
                $"{{\"{firstKey}\":{firstValue!.ToJsonString()}," + valid[1..], w.Token);

            // Every text field made unstorable, of the wrong type, or far too long.
            foreach (var path in StringPaths(w.Valid))
            {
                Add($"{w.Name}: {path} holds U+0000", "POST", w.Url, With(w.Valid, path, "Brussels\u0000"), w.Token);
                Add($"{w.Name}: {path} holds a lone surrogate", "POST", w.Url,
                    With(w.Valid, path, "x").Replace("\"x\"", "\"x\\ud800\""), w.Token);
                Add($"{w.Name}: {path} holds a bell", "POST", w.Url, With(w.Valid, path, "x\u0007y"), w.Token);
                Add($"{w.Name}: {path} is an object", "POST", w.Url, With(w.Valid, path, new JsonObject { ["a"] = 1 }), w.Token);
                Add($"{w.Name}: {path} is 300k long", "POST", w.Url, With(w.Valid, path, new string('x', 300_000)), w.Token);
            }
        }

        // Ids and numbers the write endpoints must refuse before touching the store.
        var open = Writes[0].Valid;
        Add("open: agreementId missing", "POST", "/api/agreements", Without(open, "agreementId"));
        Add("open: agreementId null", "POST", "/api/agreements", With(open, "agreementId", null));
        Add("open: agreementId empty", "POST", "/api/agreements", With(open, "agreementId", ""));
        Add("open: agreementId blank", "POST", "/api/agreements", With(open, "agreementId", "   "));
        Add("open: agreementId upper case", "POST", "/api/agreements", With(open, "agreementId", "UA-FR"));
        Add("open: agreementId path", "POST", "/api/agreements", With(open, "agreementId", "../../etc/passwd"));
        Add("open: agreementId 101 characters", "POST", "/api/agreements", With(open, "agreementId", new string('a', 101)));
        Add("open: agreementId the tombstone stream", "POST", "/api/agreements", With(open, "agreementId", "mt_tombstone"));
        Add("open: parties a string", "POST", "/api/agreements", With(open, "parties", "UKR"));
        Add("open: one party", "POST", "/api/agreements", With(open, "parties", new JsonArray("UKR")));
        Add("open: parties null", "POST", "/api/agreements", With(open, "parties", null));
        Add("open: party twice", "POST", "/api/agreements", With(open, "parties", new JsonArray("UKR", "UKR")));
        Add("open: expectedVersion a string", "POST", "/api/agreements", Adding(open, "expectedVersion", "five"));
        Add("open: expectedVersion beyond 64 bits", "POST", "/api/agreements", Adding(open, "expectedVersion", JsonNode.Parse("1e40")!));
        var record = Writes[2];
        Add("record: statementId not a guid", "POST", record.Url, With(record.Valid, "statementId", "not-a-guid"));
        Add("record: statementId a number", "POST", record.Url, With(record.Valid, "statementId", 7));
        Add("record: saidOn month 13", "POST", record.Url, With(record.Valid, "saidOn", "2025-13-01"));
        Add("record: saidOn in the future", "POST", record.Url, With(record.Valid, "saidOn", "9999-01-01"));
        Add("record: saidOn in words", "POST", record.Url, With(record.Valid, "saidOn", "yesterday"));
        Add("record: assertions empty", "POST", record.Url, With(record.Valid, "assertions", new JsonArray()));
        Add("record: assertion null", "POST", record.Url, With(record.Valid, "assertions", new JsonArray((JsonNode?)null)));
        Add("record: stage unknown", "POST", record.Url, With(record.Valid, "assertions[0].stage", "done-deal"));
        Add("record: quantity negative", "POST", record.Url, With(record.Valid, "assertions[0]",
            new JsonObject { ["commitmentId"] = Commitment, ["stage"] = "announced", ["quantity"] = new JsonObject { ["amount"] = -5, ["unit"] = "drones" } }));
        Add("record: quantity overflows decimal", "POST", record.Url, With(record.Valid, "assertions[0]",
            new JsonObject { ["commitmentId"] = Commitment, ["stage"] = "announced", ["quantity"] = new JsonObject { ["amount"] = JsonNode.Parse("1e400"), ["unit"] = "drones" } }));
        Add("record: credibility 7", "POST", record.Url, With(record.Valid, "source",
            new JsonObject { ["outlet"] = "O", ["kind"] = "media-report", ["credibility"] = 7 }));
        Add("record: url javascript", "POST", record.Url, With(record.Valid, "source.url", "javascript:alert(1)"));
        Add("record: publishedOn 32nd", "POST", record.Url, With(record.Valid, "source",
            new JsonObject { ["outlet"] = "O", ["kind"] = "media-report", ["publishedOn"] = "2025-01-32" }));
        Add("record: If-Match not a number", "POST", record.Url, record.Valid.ToJsonString(), ifMatch: "\"abc\"");
        Add("record: If-Match stale", "POST", record.Url, record.Valid.ToJsonString(), ifMatch: "\"1\"");
        Add("record: as a reader", "POST", record.Url, record.Valid.ToJsonString(), token: "reader");
        Add("record: into an agreement that is not a slug", "POST", "/api/agreements/NOT_A_SLUG/statements", record.Valid.ToJsonString());
        Add("record: into an agreement with a bell in the route", "POST", "/api/agreements/a%07b/statements", record.Valid.ToJsonString());
        Add("record: into an unknown agreement", "POST", "/api/agreements/no-such-agreement/statements", record.Valid.ToJsonString());
        Add("correct: unknown statement", "POST", $"/api/agreements/{Agreement}/statements/{Guid.NewGuid()}/corrections",
            Writes[3].Valid.ToJsonString());
        Add("correct: no changes", "POST", Writes[3].Url, With(Writes[3].Valid, "changes", new JsonObject()));
        Add("correct: reason missing", "POST", Writes[3].Url, Without(Writes[3].Valid, "reason"));
        Add("retract: reason blank", "POST", Writes[4].Url, With(Writes[4].Valid, "reason", "  "));
        Add("user: role root", "POST", "/api/users", With(Writes[5].Valid, "role", "root"), "admin");
        Add("user: name with a slash", "POST", "/api/users", With(Writes[5].Valid, "name", "a/b"), "admin");
        Add("user: as an analyst", "POST", "/api/users", Writes[5].Valid.ToJsonString());
        Add("revoke: unknown user", "POST", "/api/users/nobody-here/revocation", null, "admin");
        Add("revoke: a bell in the name", "POST", "/api/users/a%07b/revocation", null, "admin");

        // Reads: paging, clocks, formats and characters the database cannot compare.
        foreach (var read in new[] { "/api/agreements", "/api/audit" })
        {
            foreach (var (label, query) in new[]
                     {
                         ("page 0", "page=0"), ("page -1", "page=-1"), ("page int.Max", "page=2147483647&pageSize=500"),
                         ("page beyond the limit", "page=1000001"), ("page in words", "page=first"), ("page beyond 64 bits", "page=99999999999999999999"),
                         ("pageSize 0", "pageSize=0"), ("pageSize 501", "pageSize=501"), ("pageSize huge", "pageSize=2147483647"),
                         ("pageSize fraction", "pageSize=1.5"),
                     })
                Add($"GET {read}: {label}", "GET", $"{read}?{query}", null);
        }
        // The registry's reads take no clocks: their own parameters, and route values the database cannot compare.
        foreach (var read in new[] { "/api/actors", "/api/people" })
        {
            Add($"GET {read}: q U+0000", "GET", $"{read}?q=a%00", null);
            Add($"GET {read}: q bell", "GET", $"{read}?q=a%07", null);
            Add($"GET {read}: q 201 characters", "GET", $"{read}?q={new string('a', 201)}", null);
            Add($"GET {read}: page 0", "GET", $"{read}?page=0", null);
        }
        Add("GET /api/actors: kind bogus", "GET", "/api/actors?kind=corporation", null);
        Add("GET /api/actors/{id}: a bell", "GET", "/api/actors/FR%07A", null);
        Add("GET /api/actors/{id}: page 0", "GET", "/api/actors/FRA?page=0", null);
        Add("GET /api/people/{id}: a bell", "GET", "/api/people/hostile%07person", null);
        Add("GET /api/people/{id}: pageSize 501", "GET", "/api/people/hostile-person?pageSize=501", null);
        foreach (var read in Reads.Where(r => r is not ("/api/users" or "/api/audit") && !r.StartsWith("/api/actors") && !r.StartsWith("/api/people")
                                          && !r.StartsWith("/api/subscriptions")))
        {
            Add($"GET {read}: asOf U+0000", "GET", $"{read}?asOf=%00", null);
            Add($"GET {read}: unknown parameter with U+0000", "GET", $"{read}?x=a%00b", null);
            // No clocks: the feed is in commit order, follows and the review queue are now.
            if (read is "/api/feed" or "/api/watchlist" or "/api/reviews") continue;
            Add($"GET {read}: asOf month 13", "GET", $"{read}?asOf=2025-13-01", null);
            Add($"GET {read}: knownAt in a locale's format", "GET", $"{read}?knownAt=06/07/2025", null);
        }
        foreach (var (read, parameter) in new[]
                 {
                     ("/api/agreements", "party"), ("/api/agreements", "tag"), ("/api/reports/status", "agreement"),
                     ("/api/reports/status", "party"), ("/api/reports/status", "category"), ("/api/reports/status", "stage"),
                     ("/api/reports/status", "format"), ("/api/reports/changes", "format"), ("/api/audit", "user"),
                     ("/api/audit", "agreement"),
                 })
        {
            Add($"GET {read}: {parameter} U+0000", "GET", $"{read}?{parameter}=a%00", null);
            Add($"GET {read}: {parameter} bell", "GET", $"{read}?{parameter}=a%07", null);
        }
        Add("GET status: format bogus", "GET", "/api/reports/status?format=exe", null);
        Add("GET status: sourceDrift not a yes or no", "GET", "/api/reports/status?sourceDrift=perhaps", null);
        Add("GET captures: a statement id that is no GUID", "GET", $"/api/agreements/{Agreement}/statements/not-a-guid/captures", null);
        Add("GET capture text: not a SHA-256", "GET", "/api/captures/abc/text", null);
        Add("GET capture text: 64 characters, not hex", "GET", $"/api/captures/{new string('z', 64)}/text", null);
        Add("GET capture original: not a SHA-256", "GET", "/api/captures/..%2F..%2Fetc/original", null);
        Add("GET changes: from after to", "GET", "/api/reports/changes?from=2025-07-01&to=2025-06-01", null);
        Add("GET audit: from in words", "GET", "/api/audit?from=last%20week", null);
        // U+0000 in a path never reaches us: Kestrel refuses it. Other control characters do.
        Add("GET agreement: a bell in the route", "GET", "/api/agreements/a%07b", null);
        Add("GET commitment: a bell in the route", "GET", $"/api/agreements/{Agreement}/commitments/a%07b", null);
        Add("GET history: an escape in the route", "GET", $"/api/agreements/{Agreement}/commitments/a%1Bb/history", null);
        Add("GET statements: a bell in the agreement", "GET", "/api/agreements/a%07b/statements", null);
        Add("subscribe: a loopback target", "POST", "/api/subscriptions", With(Writes[^1].Valid, "url", "http://127.0.0.1:5432/"));
        Add("subscribe: the metadata service", "POST", "/api/subscriptions", With(Writes[^1].Valid, "url", "http://169.254.169.254/latest/meta-data/"));
        Add("subscribe: a file URL", "POST", "/api/subscriptions", With(Writes[^1].Valid, "url", "file:///etc/passwd"));
        Add("subscribe: an unknown event", "POST", "/api/subscriptions", With(Writes[^1].Valid, "events[0]", "everything"));
        Add("subscribe: as a reader", "POST", "/api/subscriptions", Writes[^1].Valid.ToJsonString(), token: "reader");
        Add("GET subscriptions: as a reader", "GET", "/api/subscriptions", null, token: "reader");
        Add("GET deliveries: state bogus", "GET", $"/api/subscriptions/{Guid.Empty}/deliveries?state=lost", null);
        Add("GET deliveries: state U+0000", "GET", $"/api/subscriptions/{Guid.Empty}/deliveries?state=a%00", null);
        Add("GET deliveries: limit 0", "GET", $"/api/subscriptions/{Guid.Empty}/deliveries?limit=0", null);
        Add("GET deliveries: of nobody's subscription", "GET", $"/api/subscriptions/{Guid.NewGuid()}/deliveries", null);
        Add("DELETE subscription: nobody's", "DELETE", $"/api/subscriptions/{Guid.NewGuid()}", null);
        Add("DELETE subscription: as a reader", "DELETE", $"/api/subscriptions/{Guid.NewGuid()}", null, token: "reader");
        Add("retry: no such delivery", "POST", $"/api/subscriptions/{Guid.NewGuid()}/deliveries/1/retry", null);
        Add("retry: a query parameter", "POST", $"/api/subscriptions/{Guid.NewGuid()}/deliveries/1/retry?now=true", null);
        var follow = Writes.Single(w => w.Name == "follow").Valid;
        Add("follow: a stage not in the vocabulary", "POST", "/api/watchlist", With(follow, "reaches", "sealed"));
        Add("follow: nothing named", "POST", "/api/watchlist", "{}");
        Add("follow: becomesOverdue a string", "POST", "/api/watchlist", Adding(follow, "becomesOverdue", "yes"));
        Add("GET feed: a cursor not given out", "GET", "/api/feed?after=not-a-cursor", null);
        Add("GET feed: limit 1001", "GET", "/api/feed?limit=1001", null);
        Add("GET feed: party unknown", "GET", "/api/feed?party=nowhere-land", null);
        var review = Writes.Single(w => w.Name == "review");
        Add("review: decision unknown", "POST", review.Url, With(review.Valid, "decision", "merge"));
        Add("review: return without a reason", "POST", review.Url, Without(review.Valid, "reason"));
        Add("review: reject with a blank reason", "POST", review.Url, new JsonObject { ["decision"] = "reject", ["reason"] = "  " }.ToJsonString());
        Add("review: one's own proposal", "POST", review.Url, With(review.Valid, "decision", "approve"));
        Add("review: as a reader", "POST", review.Url, review.Valid.ToJsonString(), token: "reader");
        Add("review: a statement without a proposal", "POST", $"/api/agreements/{Agreement}/statements/{StatementId}/review",
            review.Valid.ToJsonString(), token: "admin");
        Add("review: an unknown agreement", "POST", $"/api/agreements/no-such-agreement/statements/{StatementId}/review",
            review.Valid.ToJsonString(), token: "admin");
        Add("review: statementId not a guid", "POST", $"/api/agreements/{Reviewed}/statements/not-a-guid/review", review.Valid.ToJsonString());
        Add("review policy: as an analyst", "POST", $"/api/agreements/{Agreement}/review", With(Writes.Single(w => w.Name == "review policy").Valid, "review", "required"));
        Add("review policy: sometimes", "POST", $"/api/agreements/{Agreement}/review", With(Writes.Single(w => w.Name == "review policy").Valid, "review", "sometimes"), "admin");
        Add("open: review sometimes", "POST", "/api/agreements", Adding(open, "review", "sometimes"));
        Add("GET status: review approved", "GET", "/api/reports/status?review=approved", null);
        Add("GET status: review U+0000", "GET", "/api/reports/status?review=a%00", null);
        Add("GET reviews: state bogus", "GET", "/api/reviews?state=pending", null);
        Add("GET reviews: state U+0000", "GET", "/api/reviews?state=a%00", null);
        Add("GET reviews: agreement bell", "GET", "/api/reviews?agreement=a%07", null);
        Add("GET reviews: proposedBy U+0000", "GET", "/api/reviews?proposedBy=a%00", null);
        Add("GET reviews: page 0", "GET", "/api/reviews?page=0", null);
        Add("GET reviews: pageSize 501", "GET", "/api/reviews?pageSize=501", null);
        Add("GET users: as an analyst", "GET", "/api/users", null);
        Add("GET users: unknown token", "GET", "/api/users", null, token: "trk_made-up");
        return cases.Select(c => new object[] { c });
    }
}
