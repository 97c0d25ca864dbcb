using Tracker.Integrity;

namespace Tracker.Tests.Integrity;

/// <summary>
/// Someone with database access edits the event log behind Tracker's back, as an UPDATE or DELETE in psql would.
/// Verify names the first event that no longer holds, and how.
/// </summary>
public class TamperTests
{
    [Fact]
    public async Task an_untouched_store_verifies_and_says_so()
    {
        var store = await ChainStore.SeededCopyAsync("chain_clean");
        var text = await ChainStore.Tracker(store, null, "verify");
        text.ExitCode.ShouldBe(0, text.ToString());
        text.Output.ShouldStartWith("OK: 7 events verified (the whole chain), head ");
        text.Output.ShouldContain("every event is chained as it is appended");

        var (exit, report, _) = await ChainStore.VerifyAsync(store);
        exit.ShouldBe(0);
        report["intact"]!.GetValue<bool>().ShouldBeTrue();
        report["verified"]!.GetValue<long>().ShouldBe(7);
        report["headHash"]!.GetValue<string>().Length.ShouldBe(64);

        var (rangesExit, inRanges, _) = await ChainStore.VerifyInRangesAsync(store, 2);
        rangesExit.ShouldBe(0);
        inRanges["verified"]!.GetValue<long>().ShouldBe(7);
        inRanges["headHash"]!.GetValue<string>().ShouldBe(report["headHash"]!.GetValue<string>());
    }

    private static readonly (string Tampering, string Sql, string Kind, long Sequence)[] Tamperings =
    [
        ("one byte of a quote",
            "update tracker.mt_events set data = jsonb_set(data, '{content,quote}', to_jsonb(overlay(data#>>'{content,quote}' placing 'x' from 1 for 1))) where seq_id = 5",
            BreakKinds.DataChanged, 5),
        ("the author",
            "update tracker.mt_events set user_name = 'mallory' where seq_id = 3",
            BreakKinds.DataChanged, 3),
        ("the record time",
            "update tracker.mt_events set timestamp = timestamp - interval '1 day' where seq_id = 6",
            BreakKinds.DataChanged, 6),
        ("a deleted event",
            "delete from tracker.mt_events where seq_id = 4",
            BreakKinds.EventMissing, 4),
        ("two events swapped",
            "update tracker.mt_events set seq_id = -4 where seq_id = 4; update tracker.mt_events set seq_id = 4 where seq_id = 3; " +
            "update tracker.mt_events set seq_id = 3 where seq_id = -4",
            BreakKinds.OrderChanged, 3),
        ("a deleted hash row",
            "delete from tracker.event_chain where position = 6",
            BreakKinds.HashRowMissing, 6),
        ("the tail truncated",
            "delete from tracker.mt_events where seq_id > 5",
            BreakKinds.EventMissing, 6),
        ("an event written past the chain",
            "alter table tracker.mt_events disable trigger event_chain_append; " +
            "insert into tracker.mt_events (seq_id, id, stream_id, version, data, type, timestamp, user_name) " +
            "select 8, gen_random_uuid(), stream_id, 8, data, type, now(), 'mallory' from tracker.mt_events where seq_id = 7; " +
            "alter table tracker.mt_events enable trigger event_chain_append",
            BreakKinds.HashRowMissing, 8),
    ];

    /// <summary>Each tampering, verified in one pass and in ranges of 2 events verified at once (3 at a time).</summary>
    public static TheoryData<string, string, string, long, int?> Cases()
    {
        var data = new TheoryData<string, string, string, long, int?>();
        foreach (var (tampering, sql, kind, sequence) in Tamperings)
            foreach (var ranges in new int?[] { null, 2 })
                data.Add(tampering, sql, kind, sequence, ranges);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task verify_names_the_first_event_that_was_tampered_with_and_how(string tampering, string sql, string kind, long sequence,
        int? rangeEvents)
    {
        var store = await ChainStore.SeededCopyAsync("chain_tamper");
        await ChainStore.SqlAsync(store, sql);

        var (exit, report, run) = await ChainStore.VerifyInRangesAsync(store, rangeEvents);

        exit.ShouldNotBe(0, $"{tampering}: {run}");
        report["intact"]!.GetValue<bool>().ShouldBeFalse(tampering);
        report["break"]!["kind"]!.GetValue<string>().ShouldBe(kind, tampering);
        report["break"]!["sequence"]!.GetValue<long>().ShouldBe(sequence, tampering);
        report["summary"]!.GetValue<string>().ShouldContain($"#{sequence}", customMessage: tampering);
    }

    [Fact]
    public async Task a_changed_author_is_named_in_the_failure()
    {
        var store = await ChainStore.SeededCopyAsync("chain_author");
        await ChainStore.SqlAsync(store, "update tracker.mt_events set user_name = 'mallory' where seq_id = 2");

        var text = await ChainStore.Tracker(store, null, "verify");

        text.ExitCode.ShouldNotBe(0);
        text.Output.ShouldStartWith("FAILED: the chain breaks at position 2 (event #2): ");
        text.Output.ShouldContain("How: data-changed.");
        text.Output.ShouldContain("event #2 (ua-fr-defence-industry v2, commitment_added, recorded by mallory) no longer matches its hash");
    }

    [Fact]
    public async Task one_agreement_or_the_chain_from_an_event_on_can_be_verified_alone()
    {
        var store = await ChainStore.SeededCopyAsync("chain_scopes");
        var (exit, report, _) = await ChainStore.VerifyAsync(store, "--agreement", ChainStore.Agreement);
        exit.ShouldBe(0);
        report["verified"]!.GetValue<long>().ShouldBe(7);
        (await ChainStore.VerifyAsync(store, "--from", "5")).Report["verified"]!.GetValue<long>().ShouldBe(3);
        (await ChainStore.VerifyAsync(store, "--agreement", "no-such-agreement")).Report["verified"]!.GetValue<long>().ShouldBe(0);

        await ChainStore.SqlAsync(store, "update tracker.mt_events set user_name = 'mallory' where seq_id = 6");
        (await ChainStore.VerifyAsync(store, "--agreement", ChainStore.Agreement)).Report["break"]!["sequence"]!.GetValue<long>().ShouldBe(6);
        (await ChainStore.VerifyAsync(store, "--from", "7")).ExitCode.ShouldBe(0);

        var bad = await ChainStore.Tracker(store, null, "verify", "--from", "0");
        bad.ExitCode.ShouldNotBe(0);
        bad.Error.ShouldContain("verify: --from: must be a sequence number of 1 or more");
    }
}
