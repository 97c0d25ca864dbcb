using System.Diagnostics;
using Npgsql;
using Tracker.Tests.Support;

namespace Tracker.Tests.Integrity;

/// <summary>
/// An auditor who trusts neither Tracker nor its code dumps the chain with psql and recomputes it with
/// tools/verify_chain.py (Python's standard library only): the same head as Tracker's own verify.
/// </summary>
public class AuditorScriptTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("tracker-auditor-").FullName;
    private static readonly string Script = Path.Combine(TrackerProcess.RepositoryRoot, "tools", "verify_chain.py");
    private static readonly string DumpQuery = Path.Combine(TrackerProcess.RepositoryRoot, "tools", "chain-dump.sql");

    [Fact]
    public async Task the_python_script_recomputes_the_head_that_verify_reports_and_catches_a_changed_dump()
    {
        var store = await ChainStore.SeededCopyAsync("chain_auditor");
        (await ChainStore.Tracker(store, null, "import", ChainStore.LaterStatements(_dir, 5))).ExitCode.ShouldBe(0);
        // A tombstone as Marten writes one (dated -infinity), here by raw SQL: every writer is chained.
        await ChainStore.SqlAsync(store, """
            insert into tracker.mt_streams (id, version) values ('mt_tombstone', 0) on conflict do nothing;
            insert into tracker.mt_events (seq_id, id, stream_id, version, data, type, timestamp)
            values (nextval('tracker.mt_events_sequence'), gen_random_uuid(), 'mt_tombstone', 100, '{}', 'tombstone', '-infinity')
            """);
        var checkpoint = Path.Combine(_dir, "checkpoint.json");
        (await ChainStore.Tracker(store, Path.Combine(_dir, "home"), "checkpoint", "--output", checkpoint)).ExitCode.ShouldBe(0);
        var (_, report, _) = await ChainStore.VerifyAsync(store);
        var head = report["headHash"]!.GetValue<string>();

        var dump = Path.Combine(_dir, "chain.jsonl");
        await PsqlAsync(store, DumpQuery, dump);
        var audited = await RunAsync("python3", Script, dump, "--checkpoint", checkpoint);

        audited.Exit.ShouldBe(0, audited.Output);
        audited.Output.Trim().ShouldBe($"13 events verified, head {head}, extends the checkpoint at position 13");

        // The signature is plain Ed25519: OpenSSL checks it with the public key the file names.
        var openssl = await RunAsync("python3", Script, "--checkpoint", checkpoint, "--openssl", Path.Combine(_dir, "openssl"));
        openssl.Exit.ShouldBe(0, openssl.Output);
        var command = openssl.Output.Trim().Split(' ');
        var signature = await RunAsync(command[0], command[1..]);
        signature.Output.ShouldContain("Signature Verified Successfully");

        var lines = File.ReadAllLines(dump);
        lines[4] = lines[4].Replace("Brüssel", "Bruessel");
        File.WriteAllLines(dump, lines);
        var changed = await RunAsync("python3", Script, dump);
        changed.Exit.ShouldBe(1, changed.Output);
        changed.Output.ShouldContain("FAILED at position 5 (event #5, ua-fr-defence-industry v5): the event no longer matches its hash (data changed)");
    }

    /// <summary>psql -XAt -f QUERY, as the README tells the auditor, on the test cluster's own binaries.</summary>
    private static async Task PsqlAsync(string database, string queryFile, string output)
    {
        var cs = new NpgsqlConnectionStringBuilder(database);
        var psql = Path.Combine(Tracker.Infrastructure.Database.PostgresBinaries.Find()!.Directory, "psql");
        var psi = new ProcessStartInfo(psql, ["-XAt", "-v", "ON_ERROR_STOP=1", "-f", queryFile])
        {
            RedirectStandardOutput = true, RedirectStandardError = true,
            Environment = { ["PGHOST"] = cs.Host, ["PGPORT"] = cs.Port.ToString(), ["PGUSER"] = cs.Username, ["PGPASSWORD"] = cs.Password, ["PGDATABASE"] = cs.Database },
        };
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        p.ExitCode.ShouldBe(0, await stderr);
        await File.WriteAllTextAsync(output, await stdout);
    }

    private static async Task<(int Exit, string Output)> RunAsync(string program, params string[] args)
    {
        var psi = new ProcessStartInfo(program, args) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        return (p.ExitCode, await stdout + await stderr);
    }

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); }
        catch (IOException) { }
    }
}
