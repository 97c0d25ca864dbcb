using System.Text.Json.Nodes;
using Tracker.Integrity;

namespace Tracker.Tests.Integrity;

/// <summary>
/// An auditor keeps a signed checkpoint elsewhere. Later, someone with database access rewrites history and
/// recomputes every hash after it, so the chain agrees with itself again: only the checkpoint can tell.
/// </summary>
public class CheckpointTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("tracker-checkpoint-").FullName;

    /// <summary>What an attacker who knows the encoding does: change an event, then rehash everything after it.</summary>
    private const string RewriteHistory = """
        update tracker.mt_events set user_name = 'mallory' where seq_id = 3;
        do $$
        declare r record; prev bytea;
        begin
          select hash into prev from tracker.event_chain where position = 2;
          for r in select c.position, e as ev from tracker.event_chain c join tracker.mt_events e on e.seq_id = c.seq_id
                   where c.position >= 3 order by c.position loop
            prev := tracker.event_chain_hash(prev, r.ev);
            update tracker.event_chain set hash = prev where position = r.position;
          end loop;
        end $$;
        delete from tracker.event_chain_checkpoints;
        """;

    [Fact]
    public async Task a_kept_checkpoint_passes_after_later_appends_and_fails_once_history_before_it_is_rewritten()
    {
        var store = await ChainStore.SeededCopyAsync("chain_checkpoint");
        var home = Path.Combine(_dir, "home");
        var file = Path.Combine(_dir, "checkpoint.json");

        var taken = await ChainStore.Tracker(store, home, "checkpoint", "--output", file);
        taken.ExitCode.ShouldBe(0, taken.ToString());
        taken.Error.ShouldContain("Signed position 7 (event #7)");
        File.GetUnixFileMode(Path.Combine(home, CheckpointSigner.KeyFileName)).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var kept = JsonNode.Parse(File.ReadAllText(file))!;
        kept["format"]!.GetValue<string>().ShouldBe("tracker-checkpoint-v1");
        kept["position"]!.GetValue<long>().ShouldBe(7);

        (await ChainStore.Tracker(store, null, "import", ChainStore.LaterStatements(_dir, 3))).ExitCode.ShouldBe(0);
        var after = await ChainStore.VerifyAsync(store, "--checkpoint", file);
        after.ExitCode.ShouldBe(0, after.Run.ToString());
        after.Report["verified"]!.GetValue<long>().ShouldBe(10);
        after.Report["checkpoint"]!["extended"]!.GetValue<bool>().ShouldBeTrue();

        await ChainStore.SqlAsync(store, RewriteHistory);
        (await ChainStore.VerifyAsync(store)).ExitCode.ShouldBe(0, "the rewritten chain agrees with itself");
        var caught = await ChainStore.Tracker(store, null, "verify", "--checkpoint", file);
        caught.ExitCode.ShouldNotBe(0, caught.ToString());
        caught.Output.ShouldContain("How: checkpoint-broken.");
        caught.Output.ShouldContain($"at position 7 the chain's hash is ");
        caught.Output.ShouldContain($"but the checkpoint of ");
        caught.Output.ShouldContain(kept["head"]!.GetValue<string>());
    }

    [Fact]
    public async Task an_altered_checkpoint_file_is_refused_as_not_validly_signed()
    {
        var store = await ChainStore.SeededCopyAsync("chain_checkpoint_forged");
        var file = Path.Combine(_dir, "checkpoint.json");
        (await ChainStore.Tracker(store, Path.Combine(_dir, "home"), "checkpoint", "--output", file)).ExitCode.ShouldBe(0);
        var node = JsonNode.Parse(File.ReadAllText(file))!;
        node["position"] = 6;
        File.WriteAllText(file, node.ToJsonString());

        var (exit, report, _) = await ChainStore.VerifyAsync(store, "--checkpoint", file);

        exit.ShouldNotBe(0);
        report["break"]!["kind"]!.GetValue<string>().ShouldBe(BreakKinds.CheckpointBroken);
        report["summary"]!.GetValue<string>().ShouldContain("is not validly signed by the key it names");
    }

    [Fact]
    public async Task a_tail_cut_with_its_hash_rows_is_caught_by_the_checkpoint_kept_in_the_database()
    {
        var store = await ChainStore.SeededCopyAsync("chain_checkpoint_tail");
        (await ChainStore.Tracker(store, Path.Combine(_dir, "home"), "checkpoint")).ExitCode.ShouldBe(0);
        await ChainStore.SqlAsync(store, "delete from tracker.mt_events where seq_id > 5; delete from tracker.event_chain where position > 5");

        var (exit, report, _) = await ChainStore.VerifyAsync(store);

        exit.ShouldNotBe(0);
        report["break"]!["kind"]!.GetValue<string>().ShouldBe(BreakKinds.CheckpointBroken);
        report["summary"]!.GetValue<string>().ShouldContain("the chain ends at position 5");
        report["summary"]!.GetValue<string>().ShouldContain("was signed at position 7");
    }

    [Fact]
    public async Task a_broken_chain_is_never_signed()
    {
        var store = await ChainStore.SeededCopyAsync("chain_checkpoint_refused");
        await ChainStore.SqlAsync(store, "update tracker.mt_events set user_name = 'mallory' where seq_id = 4");

        var refused = await ChainStore.Tracker(store, Path.Combine(_dir, "home"), "checkpoint");

        refused.ExitCode.ShouldNotBe(0);
        refused.Error.ShouldContain("checkpoint: not signed, the chain does not verify: the chain breaks at position 4 (event #4)");
        (await ChainStore.CountAsync(store, "select count(*) from tracker.event_chain_checkpoints")).ShouldBe(0);
    }

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); }
        catch (IOException) { }
    }
}
