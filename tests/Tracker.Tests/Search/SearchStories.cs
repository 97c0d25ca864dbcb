using Alba;
using Microsoft.Extensions.DependencyInjection;
using Tracker.Http;
using Tracker.Search;
using Tracker.Security;
using Tracker.Tests.Support;

namespace Tracker.Tests.Search;

/// <summary>An analyst looks for what was said: by its words in any form, by who said it, by the outlet.</summary>
public class SearchStories
{
    private static async Task<(int Status, string Body)> PostAsync(IAlbaHost host, string token, string url, object body)
    {
        var result = await host.Scenario(s =>
        {
            s.Post.Json(body).ToUrl(url);
            s.WithBearerToken(token);
            s.IgnoreStatusCode();
        });
        return (result.Context.Response.StatusCode, await result.ReadAsTextAsync());
    }

    private static object Statement(Guid id, string quote, string language, string? translation, string speaker, string outlet) => new
    {
        statementId = id,
        saidOn = "2025-06",
        speaker = new { name = speaker, role = "Minister of Defence", actor = "UKR" },
        quote,
        language,
        translation,
        source = new { outlet, kind = "media-report", url = "https://example.org/a" },
        assertions = new[] { new { commitmentId = "c", stage = "raised" } },
    };

    [Fact]
    public async Task a_quote_is_found_by_its_words_in_any_form_ranked_marked_and_kept_current_by_corrections_and_retractions()
    {
        var database = await TestCluster.NewDatabaseAsync("search");
        await using var host = await TrackerApp.StartAsync(database, ("Tracker:RateLimit:PermitsPerMinute", "100000"));
        var token = (await host.Services.GetRequiredService<UserAdministration>().AddAsync("sam", Roles.Analyst)).Token;
        (await PostAsync(host, token, "/api/agreements", new { agreementId = "s", title = "S", parties = new[] { "UKR", "FRA" } })).Status.ShouldBe(201);
        (await PostAsync(host, token, "/api/agreements/s/commitments", new { commitmentId = "c", title = "C", category = "drones" })).Status.ShouldBe(201);
        var drones = Guid.NewGuid();
        var air = Guid.NewGuid();
        var rumour = Guid.NewGuid();
        (await PostAsync(host, token, "/api/agreements/s/statements", Statement(drones,
            "Wir werden gemeinsam Drohnen produzieren.", "de", "We will produce drones together.", "Rustem Umerov", "Deutschlandfunk"))).Status.ShouldBe(201);
        (await PostAsync(host, token, "/api/agreements/s/statements", Statement(air,
            "La France examinera la production conjointe de systèmes de défense aérienne.", "fr", null, "Sébastien Lecornu", "Le Monde"))).Status.ShouldBe(201);
        (await PostAsync(host, token, "/api/agreements/s/statements", Statement(rumour,
            "Eine Drohne wurde angeblich geliefert.", "de", "A drone was allegedly delivered.", "Unnamed official", "Blog"))).Status.ShouldBe(201);
        var search = host.Services.GetRequiredService<StatementSearch>();
        var first = new Paging(1, 20);

        // "Drohne" finds both German quotes (the plural through German stemming); the exact word ranks first.
        var byWord = await search.FindAsync("Drohne", first, CancellationToken.None);
        byWord.Hits.Select(h => h.StatementId).ShouldBe([rumour, drones], ignoreOrder: true);
        byWord.Total.ShouldBe(2);
        byWord.Hits.SelectMany(h => h.Quote).Where(s => s.Match).Select(s => s.Text).ShouldContain("Drohnen");

        // The English translation, stemmed: "producing" finds "produce"; the hit is marked in the translation.
        var english = await search.FindAsync("producing", first, CancellationToken.None);
        english.Hits.Single().StatementId.ShouldBe(drones);
        english.Hits.Single().Translation.Where(s => s.Match).Select(s => s.Text).ShouldBe(["produce"]);

        // Speakers and outlets are searchable; a phrase must match as a phrase; hostile syntax only matches less.
        (await search.FindAsync("Lecornu", first, CancellationToken.None)).Hits.Single().StatementId.ShouldBe(air);
        (await search.FindAsync("\"Le Monde\"", first, CancellationToken.None)).Hits.Single().StatementId.ShouldBe(air);
        (await search.FindAsync("\"Monde Le\"", first, CancellationToken.None)).Total.ShouldBe(0);
        (await search.FindAsync("Drohne -geliefert", first, CancellationToken.None)).Hits.Single().StatementId.ShouldBe(drones);
        (await search.FindAsync("')) or 1=1; -- & | ! :* <script>", first, CancellationToken.None)).Total.ShouldBe(0);

        // A correction of the quote replaces what is found; a retraction keeps the statement findable, marked.
        (await PostAsync(host, token, $"/api/agreements/s/statements/{air}/corrections", new
        {
            correctionId = Guid.NewGuid(),
            reason = "misquoted",
            changes = new { quote = "La France étudiera la fabrication commune de drones." },
        })).Status.ShouldBe(201);
        (await search.FindAsync("aérienne", first, CancellationToken.None)).Total.ShouldBe(0);
        (await search.FindAsync("fabrication", first, CancellationToken.None)).Hits.Single().StatementId.ShouldBe(air);
        // A short quote is shown whole, not as fragments.
        string.Concat((await search.FindAsync("Lecornu", first, CancellationToken.None)).Hits.Single().Quote.Select(s => s.Text))
            .ShouldBe("La France étudiera la fabrication commune de drones.");
        (await PostAsync(host, token, $"/api/agreements/s/statements/{rumour}/retraction", new { reason = "unsourced" })).Status.ShouldBe(201);
        (await search.FindAsync("angeblich", first, CancellationToken.None)).Hits.Single().Retracted.ShouldBeTrue();

        // Pages: one hit per page, the total over all.
        var second = await search.FindAsync("Drohne OR Drohnen OR drones", new Paging(2, 1), CancellationToken.None);
        second.Hits.Count.ShouldBe(1);
        second.Total.ShouldBe(3);

        // Past the cap, matches are not ranked one by one: newest first, and the page says there are more.
        var capped = new StatementSearch(host.Services.GetRequiredService<Tracker.Infrastructure.Database.ReportDataSource>(), rankedAtMost: 2);
        var many = await capped.FindAsync("Drohne OR Drohnen OR drones", first, CancellationToken.None);
        many.Ranked.ShouldBeFalse();
        many.Total.ShouldBe(2);
        many.Hits.Select(h => h.StatementId).ShouldBe([rumour, air, drones]); // as recorded; a correction is not a new recording
        (await capped.FindAsync("Lecornu", first, CancellationToken.None)).Ranked.ShouldBeTrue();

        // Rebuilt from the events, the index is what was kept live, row for row.
        var live = await DumpAsync(database);
        var store = host.Services.GetRequiredService<Marten.IDocumentStore>();
        using (var daemon = await store.BuildProjectionDaemonAsync())
            await daemon.RebuildProjectionAsync(StatementSearchProjection.ProjectionName, TimeSpan.FromMinutes(1), CancellationToken.None);
        (await DumpAsync(database)).ShouldBe(live);
    }

    /// <summary>The whole search index as text, in a stable order (also for review's own search stories).</summary>
    internal static async Task<string> DumpAsync(string database)
    {
        await using var conn = new Npgsql.NpgsqlConnection(database);
        await conn.OpenAsync();
        await using var cmd = new Npgsql.NpgsqlCommand(
            $"select string_agg(t::text, E'\\n' order by t::text collate \"C\") from {StatementSearchProjection.Table} t", conn);
        return (string)(await cmd.ExecuteScalarAsync())!;
    }
}
