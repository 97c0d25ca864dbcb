using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Alba;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Tracker.Security;
using Tracker.Tests.Support;

namespace Tracker.Tests.Sources;

public sealed class SeededHost : IAsyncLifetime
{
    public IAlbaHost Host { get; private set; } = null!;
    public string Database { get; private set; } = "";
    public string AnalystToken { get; private set; } = "";
    public string ReaderToken { get; private set; } = "";

    public async Task InitializeAsync()
    {
        Database = await TestCluster.NewDatabaseAsync("documents");
        Host = await TrackerApp.StartAsync(Database, ("Tracker:LoadSeeds", "true"), ("Tracker:RateLimit:PermitsPerMinute", "100000"));
        var users = Host.Services.GetRequiredService<UserAdministration>();
        AnalystToken = (await users.AddAsync(TrackerApp.Analyst, Roles.Analyst)).Token;
        ReaderToken = (await users.AddAsync(TrackerApp.Reader, Roles.Reader)).Token;
    }

    public async Task DisposeAsync() => await Host.DisposeAsync();
}

/// <summary>The letter of intent of the seed agreement, attached as a document: listed, its words found by search, its
/// bytes proved by 'verify' (and a changed byte caught).</summary>
public class DocumentTests(SeededHost host) : IClassFixture<SeededHost>
{
    private const string Seed = "ua-fr-defence-industry";

    private async Task<HttpResponseMessage> UploadAsync(string agreement, byte[] bytes, string type, string name, string? token = null)
    {
        using var http = host.Host.Server.CreateClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token ?? host.AnalystToken);
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue(type);
        form.Add(file, "file", name);
        form.Add(new StringContent("Letter of intent"), "title");
        return await http.PostAsync($"/api/agreements/{agreement}/documents", form);
    }

    [Fact]
    public async Task a_document_attached_to_the_seed_agreement_is_listed_found_by_search_and_its_hash_verified()
    {
        var text = "Letter of intent. The Parties intend to establish joint production of unmanned aerial vehicles (Zhovtneve clause).\n";
        var bytes = Encoding.UTF8.GetBytes(text + new string('.', 300 * 1024)); // past the API's 256 KB limit for JSON bodies
        using var created = await UploadAsync(Seed, bytes, "text/plain", "loi.txt");
        var body = await created.Content.ReadAsStringAsync();
        created.StatusCode.ShouldBe(HttpStatusCode.Created, body);
        var sha = Convert.ToHexStringLower(SHA256.HashData(bytes));
        JsonNode.Parse(body)!["sha256"]!.ToString().ShouldBe(sha);

        var list = await host.Host.Scenario(s => { s.Get.Url($"/api/agreements/{Seed}/documents"); s.WithBearerToken(host.ReaderToken); });
        var listed = JsonNode.Parse(await list.ReadAsTextAsync())!["documents"]!.AsArray().Single()!;
        listed["fileName"]!.ToString().ShouldBe("loi.txt");
        listed["title"]!.ToString().ShouldBe("Letter of intent");

        using (var workbench = new WorkbenchClient(host.Host))
        {
            await workbench.SignInAsync(TrackerApp.Reader, host.ReaderToken);
            var found = await workbench.GetAsync("/search?q=Zhovtneve");
            found.Text.ShouldContain($"/captures/{sha}");
            (await workbench.GetAsync($"/agreements/{Seed}/documents")).Text.ShouldContain(sha);
        }

        var environment = new Dictionary<string, string?> { ["TRACKER_DB"] = host.Database };
        var verified = await TrackerProcess.RunAsync(environment, "verify");
        verified.ExitCode.ShouldBe(0, verified.ToString());
        verified.Output.ShouldContain("1 stored captures and documents match");

        // One byte changed in the database: verify names the event and the hashes.
        await using (var conn = new NpgsqlConnection(host.Database))
        {
            await conn.OpenAsync();
            await using var tamper = new NpgsqlCommand("update tracker.source_blobs set bytes = overlay(bytes placing '\\x21'::bytea from 1 for 1) where sha256 = decode(@h, 'hex')", conn);
            tamper.Parameters.AddWithValue("h", sha);
            (await tamper.ExecuteNonQueryAsync()).ShouldBe(1);
        }
        var broken = await TrackerProcess.RunAsync(environment, "verify");
        broken.ExitCode.ShouldNotBe(0, broken.ToString());
        broken.Output.ShouldContain($"names bytes {sha}");
    }

    [Fact]
    public async Task an_upload_that_is_not_a_document_is_refused_naming_why_and_a_reader_cannot_upload()
    {
        using (var exe = await UploadAsync(Seed, [0x4d, 0x5a, 0x90, 0x00], "application/x-msdownload", "tool.exe"))
        {
            exe.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
            (await exe.Content.ReadAsStringAsync()).ShouldContain("a PDF, an HTML page or plain text");
        }
        using (var nowhere = await UploadAsync("no-such-agreement", Encoding.UTF8.GetBytes("x"), "text/plain", "x.txt"))
            nowhere.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        using (var reader = await UploadAsync(Seed, Encoding.UTF8.GetBytes("x"), "text/plain", "x.txt", host.ReaderToken))
            reader.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        using var huge = await UploadAsync(Seed, new byte[21 * 1024 * 1024], "text/plain", "big.txt");
        huge.StatusCode.ShouldBe(HttpStatusCode.RequestEntityTooLarge);
    }
}
