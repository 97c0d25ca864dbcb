using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Tracker.Portfolio;
using Tracker.Reports;
using Tracker.Reports.Rendering;
using Tracker.Tests.Support;

namespace Tracker.Tests.Reports;

/// <summary>
/// The CSV downloads are written by PostgreSQL (CsvCopy), the other formats by the C# renderer: a spreadsheet user must
/// get, byte for byte, what the renderer writes over the same rows, whatever the filter, the clocks, the registry, and
/// the text an analyst pasted in (commas, quotes, line breaks, text a spreadsheet would run as a formula).
/// </summary>
[Collection(AppCollection.Name)]
public class CsvCopyTests(TrackerApp app)
{
    private readonly Api _api = new(app);

    /// <summary>What an analyst might paste, each a trap for a CSV writer.</summary>
    private static readonly string[] Hostile =
    [
        "=HYPERLINK(\"http://evil.example\",\"click\")", "+1 more, said \"he\"", "-the minus, first", "-1,000.50", "@SUM(A1)",
        "\tTabbed \"quote\"", "line one\nline two, with a comma", "plain words", "-12", "semi; colon",
    ];

    private sealed record Story(string Agreement, string Party, string Speaker, string BeforeCorrection, string BeforePerson, Guid Corrected);

    /// <summary>
    /// One agreement that exercises every column: a party registered and then renamed, a title and units a spreadsheet
    /// would run, a past target (overdue), decimals, twelve supporting statements (the "… more …" line), a conflicting
    /// one, a retraction, a correction of words and speaker, and a speaker the people registry knows by an alias,
    /// without a role (the registry's role that day), registered after a known instant.
    /// </summary>
    private async Task<Story> StoryAsync()
    {
        var tag = Guid.NewGuid().ToString("N")[..6];
        var party = ("CSV" + tag).ToUpperInvariant();
        await _api.Post("/api/actors", new { actorId = party, kind = "company", name = "Old Name, \"Quoted\" " + tag });
        var id = "csv-" + tag;
        await _api.Post("/api/agreements", new { agreementId = id, title = Hostile[0], parties = new[] { "UKR", party } });
        await _api.Post($"/api/agreements/{id}/commitments", new
        {
            commitmentId = "c-hostile", title = Hostile[1], category = "air-defence", responsibleActors = new[] { "UKR" },
            targetDate = "2025-09-30", quantity = new { amount = 8.50m, unit = Hostile[2] },
        });
        await _api.Post($"/api/agreements/{id}/commitments", new
        {
            commitmentId = "c-plain", title = "Plain", category = "drones", responsibleActors = new[] { party },
        });
        await _api.Post($"/api/agreements/{id}/commitments", new
        {
            commitmentId = "c-silent", title = Hostile[6], category = "munitions", responsibleActors = new[] { "UKR" },
        });
        for (var i = 0; i < 12; i++)
            await _api.Record(id, Statement("c-hostile", "announced", $"2025-06-{i + 1:00}", Hostile[i % Hostile.Length], $"Speaker {i} {tag}",
                quantity: i == 3 ? new { amount = 1234.5000m, unit = Hostile[4] } : null));
        await _api.Record(id, Statement("c-hostile", "raised", "2025-06-20", Hostile[5], $"Speaker conflicting {tag}", actor: null));
        var retracted = Guid.NewGuid();
        await _api.Record(id, Statement("c-plain", "signed", "2025-06", Hostile[3], $"Speaker retracted {tag}", id: retracted));
        await _api.Post($"/api/agreements/{id}/statements/{retracted}/retraction", new { reason = "not what was said" });
        var corrected = Guid.NewGuid();
        var unroled = $"Oleksandr Kamyshin {tag}";
        await _api.Record(id, Statement("c-plain", "under-examination", "2025-07-02", Hostile[7], unroled, id: corrected, role: null));

        var beforeCorrection = Instant();
        await _api.Post($"/api/agreements/{id}/statements/{corrected}/corrections", new
        {
            correctionId = Guid.NewGuid(), reason = "misquoted and misnamed",
            changes = new { quote = Hostile[8] + "\r\n\"after\"", speaker = new { name = $"O. Kamyshin {tag}", actor = "UKR" } },
        });
        var beforePerson = Instant();
        await _api.Post("/api/people", new
        {
            name = $"Oleksandr Kamyshyn {tag}", aliases = new[] { $"O. KAMYSHIN {tag}", unroled },
            roles = new object[] { new { role = "Minister of Strategic Industries", actor = "UKR", from = "2023-03-07", to = "2024-09-04" },
                new { role = "Adviser, \"strategic\"", actor = "UKR", from = "2024-09-05" } },
        });
        await _api.Post($"/api/actors/{party}/rename", new { name = "New =Name " + tag, reason = "renamed" });
        return new Story(id, party, $"Speaker 1 {tag}", beforeCorrection, beforePerson, corrected);
    }

    private static string Instant()
    {
        var at = DateTimeOffset.UtcNow.ToString("O");
        Thread.Sleep(20);
        return at;
    }

    private static JsonNode Statement(string commitment, string stage, string saidOn, string quote, string speaker, string? actor = "UKR",
        Guid? id = null, object? quantity = null, string? role = "Minister, \"acting\"")
    {
        var node = JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(Api.Statement(commitment, stage, saidOn, id, actor ?? "", speaker, quote)))!;
        if (actor is null) node["speaker"]!.AsObject().Remove("actor");
        if (role is null) node["speaker"]!.AsObject().Remove("role");
        else node["speaker"]!["role"] = role;
        node["translation"] = "Translated, \"" + quote + "\"";
        node["source"]!["archiveUrl"] = "https://web.archive.org/web/2025/https://example.org/a,b";
        if (quantity is not null)
            node["assertions"]![0]!["quantity"] = JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(quantity));
        return node;
    }

    /// <summary>The body of a CSV download (after its byte-order mark), and what the C# renderer writes for the same request.</summary>
    private async Task<(string Copied, string Rendered)> BothAsync(string path, Func<StatusReportHead, ReportLayout<StatusReportHead, StatusReportRow>> layout,
        Dictionary<string, string?> query)
    {
        var url = $"{path}?format=csv&" + string.Join("&", query.Where(q => q.Value is not null).Select(q => $"{q.Key}={Uri.EscapeDataString(q.Value!)}"));
        var (status, _, result) = await _api.Send(HttpMethod.Get, url);
        status.ShouldBe(System.Net.HttpStatusCode.OK, url);
        var body = result.Context.Response.Body;
        body.Position = 0;
        using var bytes = new MemoryStream();
        await body.CopyToAsync(bytes);
        bytes.ToArray()[..3].ShouldBe(Encoding.UTF8.Preamble.ToArray());
        var copied = Encoding.UTF8.GetString(bytes.ToArray()[3..]);

        var services = app.Host.Services;
        var (errors, request) = await ReportRequests.ParseStatusAsync(services.GetRequiredService<NpgsqlDataSource>(),
            new(query.GetValueOrDefault("agreement"), query.GetValueOrDefault("party"), query.GetValueOrDefault("category"),
                query.GetValueOrDefault("stage"), query.GetValueOrDefault("contested"), query.GetValueOrDefault("overdue"),
                query.GetValueOrDefault("speaker"), query.GetValueOrDefault("actor")),
            query.GetValueOrDefault("asOf"), query.GetValueOrDefault("knownAt"), "csv", ReportFormat.Csv, default);
        errors.ShouldBeEmpty();
        var text = new StringWriter();
        await services.GetRequiredService<PortfolioReads>().StreamStatusAsync(request!.Filter, request.Clocks, DateTimeOffset.UtcNow,
            (head, rows) => layout(head).WriteAsync(text, head, rows, default), default);
        return (copied, text.ToString());
    }

    [Fact]
    public async Task every_filter_and_clock_gives_the_renderers_bytes_for_the_status_report_and_the_evidence_table()
    {
        var story = await StoryAsync();
        Dictionary<string, string?>[] queries =
        [
            new() { ["agreement"] = story.Agreement },
            new(),
            new() { ["party"] = story.Party.ToLowerInvariant() },
            new() { ["agreement"] = story.Agreement, ["stage"] = "announced" },
            new() { ["agreement"] = story.Agreement, ["category"] = "drones" },
            new() { ["agreement"] = story.Agreement, ["contested"] = "true" },
            new() { ["agreement"] = story.Agreement, ["overdue"] = "true" },
            new() { ["agreement"] = story.Agreement, ["overdue"] = "false", ["asOf"] = "2025-06-15" },
            new() { ["speaker"] = story.Speaker },
            new() { ["actor"] = "UKR", ["agreement"] = story.Agreement },
            new() { ["agreement"] = story.Agreement, ["asOf"] = "2025-06-05" },
            new() { ["agreement"] = story.Agreement, ["knownAt"] = story.BeforeCorrection },
            new() { ["agreement"] = story.Agreement, ["knownAt"] = story.BeforePerson },
            new() { ["knownAt"] = story.BeforePerson },
            new() { ["agreement"] = story.Agreement, ["asOf"] = "2025-06-30", ["knownAt"] = story.BeforeCorrection },
            new() { ["agreement"] = story.Agreement, ["stage"] = "fulfilled" },
        ];
        foreach (var query in queries)
        {
            var said = string.Join("&", query.Select(q => $"{q.Key}={q.Value}"));
            var (copied, rendered) = await BothAsync("/api/reports/status", CsvReport.StatusLayout, query);
            copied.ShouldBe(rendered, $"status {said}");
            (copied, rendered) = await BothAsync("/api/reports/evidence", EvidenceCsv.Layout, query);
            copied.ShouldBe(rendered, $"evidence {said}");
        }
    }

    /// <summary>
    /// The cited lines are kept export-ready beside the statement documents (migrations/0028): a rebuild of the
    /// documents, which empties and refills them, leaves every reading — corrected ones and those known at an earlier
    /// instant included — as the renderer reads them from the documents.
    /// </summary>
    [Fact]
    public async Task the_export_ready_readings_follow_the_statement_documents_through_their_rebuild()
    {
        var story = await StoryAsync();
        Dictionary<string, string?>[] queries =
        [
            new() { ["agreement"] = story.Agreement },
            new() { ["agreement"] = story.Agreement, ["knownAt"] = story.BeforeCorrection },
        ];
        var before = new List<string>();
        foreach (var query in queries) before.Add((await BothAsync("/api/reports/status", CsvReport.StatusLayout, query)).Copied);

        using (var daemon = await app.Host.Services.GetRequiredService<Marten.IDocumentStore>().BuildProjectionDaemonAsync())
            await daemon.RebuildProjectionAsync(Tracker.Agreements.Storage.StatementEntryProjection.ProjectionName, TimeSpan.FromMinutes(2), default);

        for (var i = 0; i < queries.Length; i++)
        {
            var (copied, rendered) = await BothAsync("/api/reports/status", CsvReport.StatusLayout, queries[i]);
            copied.ShouldBe(rendered);
            copied.ShouldBe(before[i]);
            copied.ShouldContain(i == 0 ? "\"\"after\"\"" : Hostile[7].Replace("\"", "\"\""));
        }
    }

    [Fact]
    public async Task pasted_text_reaches_the_spreadsheet_as_text_with_formulas_defused_and_the_reading_known_at_the_instant()
    {
        var story = await StoryAsync();

        var rows = CsvText.Rows(await _api.Text($"/api/reports/status?agreement={story.Agreement}&format=csv"));
        rows.Select(r => r["commitment_id"]).ShouldBe(["c-hostile", "c-plain", "c-silent"]);
        var hostile = rows[0];
        hostile["agreement_title"].ShouldBe("'" + Hostile[0], "a formula is shown as text");
        hostile["commitment_title"].ShouldBe("'" + Hostile[1]);
        hostile["pledged_unit"].ShouldBe("'" + Hostile[4]);
        (hostile["target_date"], hostile["target_amount"], hostile["target_unit"], hostile["overdue"])
            .ShouldBe(("2025-09-30", "8.5", "'" + Hostile[2], "yes"));
        hostile["pledged_amount"].ShouldBe("1234.5");
        hostile["evidence"].ShouldContain("; … 2 more …; ");
        hostile["contested"].ShouldBe("yes");
        hostile["parties"].ShouldBe($"UKR; {story.Party}", "parties by code, whatever the registry calls them now");
        rows[2]["commitment_title"].ShouldBe(Hostile[6], "a line break stays inside its quoted field");
        rows[2]["stage"].ShouldBe("none");

        var plain = rows[1];
        var tag = story.Speaker[^6..];
        plain["cited_statements"].ShouldContain(
            $"Oleksandr Kamyshyn {tag} [as “O. Kamyshin {tag}”] (Adviser, \"strategic\", per the registry, UKR)",
            customMessage: "the registry's person behind the corrected name, with the role held that day");
        plain["cited_statements"].ShouldContain("“" + Hostile[8] + "\r\n\"after\"”");
        var then = CsvText.Rows(await _api.Text(
            $"/api/reports/status?agreement={story.Agreement}&format=csv&knownAt={Uri.EscapeDataString(story.BeforeCorrection)}"))[1];
        then["cited_statements"].ShouldContain($": Oleksandr Kamyshin {tag} (UKR), Example Outlet, 2025-07-02: “{Hostile[7]}”",
            customMessage: "before the correction and before the registry knew him: the words and name as recorded then");
        then["known_at"].ShouldBe(DateTimeOffset.Parse(story.BeforeCorrection).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'"));
    }

    [Fact]
    public async Task an_empty_report_is_its_header_row_alone_over_http_and_from_the_command_line()
    {
        var story = await StoryAsync();

        var status = await _api.Text($"/api/reports/status?agreement={story.Agreement}&stage=fulfilled&format=csv");
        status.ShouldBe(CsvReport.Record(CsvReport.StatusColumns));
        var evidence = await _api.Text($"/api/reports/evidence?agreement={story.Agreement}&stage=fulfilled");
        evidence.ShouldBe(CsvReport.Record(EvidenceCsv.Columns));

        var environment = new Dictionary<string, string?> { ["ASPNETCORE_ENVIRONMENT"] = "Production", ["TRACKER_DB"] = app.ConnectionString };
        var run = await TrackerProcess.RunAsync(environment, "report", "status", "--agreement", story.Agreement, "--stage", "fulfilled", "--format", "csv");
        run.ExitCode.ShouldBe(0, run.ToString());
        run.Output.ShouldBe(status, "standard output carries no byte-order mark");
    }

    [Fact]
    public async Task the_command_line_saves_the_same_bytes_as_the_api_sends()
    {
        var story = await StoryAsync();
        var file = Path.Combine(Path.GetTempPath(), $"tracker-status-{Guid.NewGuid():N}.csv");
        try
        {
            var environment = new Dictionary<string, string?> { ["ASPNETCORE_ENVIRONMENT"] = "Production", ["TRACKER_DB"] = app.ConnectionString };
            var run = await TrackerProcess.RunAsync(environment, "report", "status", "--party", story.Party, "--known-at", story.BeforePerson,
                "--format", "csv", "--output", file);
            run.ExitCode.ShouldBe(0, run.ToString());
            var (copied, rendered) = await BothAsync("/api/reports/status", CsvReport.StatusLayout,
                new() { ["party"] = story.Party, ["knownAt"] = story.BeforePerson });
            copied.ShouldBe(rendered);
            (await File.ReadAllBytesAsync(file)).ShouldBe([.. Encoding.UTF8.Preamble, .. Encoding.UTF8.GetBytes(copied)]);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task postgresql_quotes_and_defuses_a_field_exactly_as_the_renderer_does()
    {
        var random = new Random(20);
        const string alphabet = "-+=@\t\r\n\",.;' 0123456789aZé,-.\v\f";
        var texts = Hostile.Concat(["", "-", "-.", "-.5", "-5.", "-1,2,3", "-,5", "- 5", "-5 ", "-5\n", "-5-", "-1e5", "-0x1F", "-٣",
                "-79228162514264337593543950335", "-79228162514264337593543950336", "-99999999999999999999999999999999",
                "-000000000000000000000000000000000001", "a,b", "\"", "'=x", " =x", "-5\t\t"])
            .Concat(Enumerable.Range(0, 3000).Select(_ => new string(Enumerable.Range(0, random.Next(1, 8))
                .Select(_ => alphabet[random.Next(alphabet.Length)]).ToArray())))
            .Distinct().ToArray();
        await using var conn = await app.Host.Services.GetRequiredService<NpgsqlDataSource>().OpenConnectionAsync();
        await using var cmd = new NpgsqlCommand($"select {CsvSql.Field("x")} from unnest($1::text[]) with ordinality as t(x, n) order by n", conn)
        {
            Parameters = { new() { Value = texts } },
        };
        var fields = new List<string>();
        await using (var reader = await cmd.ExecuteReaderAsync())
            while (await reader.ReadAsync()) fields.Add(reader.GetString(0));

        fields.Count.ShouldBe(texts.Length);
        for (var i = 0; i < texts.Length; i++)
            fields[i].ShouldBe(Csv.Field(texts[i]), $"«{texts[i].Replace("\r", "\\r").Replace("\n", "\\n").Replace("\t", "\\t")}»");
    }
}
