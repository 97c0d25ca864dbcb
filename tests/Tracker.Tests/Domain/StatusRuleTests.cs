using Tracker.Agreements;

namespace Tracker.Tests.Domain;

/// <summary>The status rule, told as the analyst's stories. No database: the rule is a pure function.</summary>
public class StatusRuleTests
{
    private const string AirDefence = "air-defence-joint-production";

    [Fact]
    public void a_commitment_nobody_has_spoken_of_has_no_stage_yet()
    {
        var status = new AgreementStory(commitments: AirDefence).Status(AirDefence);

        status.Stage.ShouldBeNull();
        status.StatementCount.ShouldBe(0);
        status.Evidence.ShouldBeEmpty();
    }

    [Fact]
    public void stronger_statements_move_the_commitment_up_the_ladder()
    {
        var story = new AgreementStory(commitments: AirDefence);
        story.Say("2025-06-05", AirDefence, Stage.UnderExamination);
        var signing = story.Say("2025-09-10", AirDefence, Stage.Signed, actor: "FRA");

        var status = story.Status(AirDefence);

        status.Stage.ShouldBe(Stage.Signed);
        status.Since.ToString().ShouldBe("2025-09-10");
        status.Evidence.Single().StatementId.ShouldBe(signing);
        status.Contested.ShouldBeFalse();
        status.Transitions.Select(t => (t.From, t.To)).ShouldBe([(null, Stage.UnderExamination), (Stage.UnderExamination, Stage.Signed)]);
    }

    [Fact]
    public void a_later_weaker_statement_contests_the_stage_without_moving_it_back()
    {
        var story = new AgreementStory(commitments: AirDefence);
        var announcement = story.Say("2025-06-05", AirDefence, Stage.Announced);
        var doubt = story.Say("2025-06-20", AirDefence, Stage.Raised, actor: "FRA", speaker: "Sébastien Lecornu");

        var status = story.Status(AirDefence);

        status.Stage.ShouldBe(Stage.Announced);
        status.Evidence.Single().StatementId.ShouldBe(announcement);
        status.Contested.ShouldBeTrue();
        status.Conflicting.Single().StatementId.ShouldBe(doubt);
        status.StatementCount.ShouldBe(2);
    }

    [Fact]
    public void moving_up_again_settles_the_contest()
    {
        var story = new AgreementStory(commitments: AirDefence);
        story.Say("2025-06-05", AirDefence, Stage.Announced);
        story.Say("2025-06-20", AirDefence, Stage.Raised);
        story.Say("2025-07-01", AirDefence, Stage.Signed);

        var status = story.Status(AirDefence);

        status.Stage.ShouldBe(Stage.Signed);
        status.Contested.ShouldBeFalse();
    }

    [Fact]
    public void a_second_statement_at_the_same_stage_corroborates()
    {
        var story = new AgreementStory(commitments: AirDefence);
        var ukraine = story.Say("2025-06-05", AirDefence, Stage.UnderExamination, actor: "UKR");
        var france = story.Say("2025-06-06", AirDefence, Stage.UnderExamination, actor: "FRA");

        var status = story.Status(AirDefence);

        status.Evidence.Select(e => e.StatementId).ShouldBe([ukraine, france]);
        status.Since.ToString().ShouldBe("2025-06-05");
        status.Contested.ShouldBeFalse();
    }

    [Fact]
    public void an_off_ladder_stage_holds_while_it_is_the_latest_word_and_a_later_ladder_statement_resets_it()
    {
        var story = new AgreementStory(commitments: AirDefence);
        story.Say("2025-06-05", AirDefence, Stage.Signed);
        story.Say("2025-08-01", AirDefence, Stage.Stalled);
        story.Status(AirDefence).Stage.ShouldBe(Stage.Stalled);

        story.Say("2025-10-01", AirDefence, Stage.Announced);
        var status = story.Status(AirDefence);

        status.Stage.ShouldBe(Stage.Announced);
        status.Contested.ShouldBeFalse();
    }

    [Fact]
    public void a_backdated_statement_slots_into_history_at_its_said_on_place()
    {
        var story = new AgreementStory(commitments: AirDefence);
        story.Say("2025-06-20", AirDefence, Stage.Signed);
        // Recorded later, said earlier, and weaker: it precedes the signing, so it contests nothing.
        var earlier = story.Say("2025-06-05", AirDefence, Stage.UnderExamination);

        var status = story.Status(AirDefence);

        status.Stage.ShouldBe(Stage.Signed);
        status.Contested.ShouldBeFalse();
        status.Transitions.First().Evidence.StatementId.ShouldBe(earlier);
        story.Status(AirDefence, asOf: new DateOnly(2025, 6, 10)).Stage.ShouldBe(Stage.UnderExamination);
    }

    [Fact]
    public void statements_said_the_same_day_count_in_the_order_they_were_recorded()
    {
        var story = new AgreementStory(commitments: AirDefence);
        story.Say("2025-06-05", AirDefence, Stage.Announced);
        var second = story.Say("2025-06-05", AirDefence, Stage.Raised);

        story.Status(AirDefence).Conflicting.Single().StatementId.ShouldBe(second);
    }

    [Fact]
    public void a_retracted_statement_no_longer_counts()
    {
        var story = new AgreementStory(commitments: AirDefence);
        story.Say("2025-06-05", AirDefence, Stage.UnderExamination);
        var rumour = story.Say("2025-06-07", AirDefence, Stage.Signed);
        story.Retract(rumour, "the outlet withdrew the report");

        var status = story.Status(AirDefence);

        status.Stage.ShouldBe(Stage.UnderExamination);
        status.StatementCount.ShouldBe(1);
    }

    [Fact]
    public void a_correction_changes_the_status_to_what_the_statement_really_said()
    {
        var story = new AgreementStory(commitments: AirDefence);
        var misread = story.Say("2025-06-05", AirDefence, Stage.Signed);
        story.Correct(misread, new StatementChanges(Assertions: [new Assertion(AirDefence, Stage.UnderExamination)]),
            "'prüfen' means to examine, not to sign");

        var status = story.Status(AirDefence);

        status.Stage.ShouldBe(Stage.UnderExamination);
        var entry = story.Agreement.Statement(misread)!;
        entry.Original.Assertions.Single().Stage.ShouldBe(Stage.Signed);
        entry.Corrections.Single().Reason.ShouldBe("'prüfen' means to examine, not to sign");
    }

    [Fact]
    public void as_of_counts_only_what_was_said_by_then_and_an_imprecise_date_from_its_last_day()
    {
        var story = new AgreementStory(commitments: AirDefence);
        story.Say("2025-06-05", AirDefence, Stage.Raised);
        story.Say("2025-07", AirDefence, Stage.Announced);

        story.Status(AirDefence, asOf: new DateOnly(2025, 6, 4)).Stage.ShouldBeNull();
        story.Status(AirDefence, asOf: new DateOnly(2025, 6, 30)).Stage.ShouldBe(Stage.Raised);
        story.Status(AirDefence, asOf: new DateOnly(2025, 7, 15)).Stage.ShouldBe(Stage.Raised);
        story.Status(AirDefence, asOf: new DateOnly(2025, 7, 31)).Stage.ShouldBe(Stage.Announced);
    }

    [Fact]
    public void each_actor_has_its_own_latest_position()
    {
        var story = new AgreementStory(commitments: AirDefence);
        story.Say("2025-06-05", AirDefence, Stage.Announced, actor: "UKR");
        story.Say("2025-06-06", AirDefence, Stage.UnderExamination, actor: "FRA");
        story.Say("2025-06-09", AirDefence, Stage.Signed, actor: "UKR");

        var positions = story.Status(AirDefence).Positions.ToDictionary(p => p.Actor, p => p.Stage);

        positions.ShouldBe(new Dictionary<string, Stage> { ["FRA"] = Stage.UnderExamination, ["UKR"] = Stage.Signed });
    }

    [Fact]
    public void pledged_and_delivered_quantities_show_the_latest_with_their_statements()
    {
        var story = new AgreementStory(commitments: AirDefence);
        story.Say("2025-06-05", AirDefence, Stage.Announced, quantity: new Quantity(8, "systems"));
        var revised = story.Say("2025-07-05", AirDefence, Stage.Binding, quantity: new Quantity(10, "systems"));
        var delivered = story.Say("2025-11-05", AirDefence, Stage.InEffect, quantity: new Quantity(2, "systems"));

        var status = story.Status(AirDefence);

        status.Pledged!.Quantity.ShouldBe(new Quantity(10, "systems"));
        status.Pledged.Evidence.StatementId.ShouldBe(revised);
        status.Delivered!.Quantity.ShouldBe(new Quantity(2, "systems"));
        status.Delivered.Evidence.StatementId.ShouldBe(delivered);
    }

    [Fact]
    public void history_keeps_every_reading_and_places_transitions_after_their_statements()
    {
        var story = new AgreementStory(commitments: AirDefence);
        var first = story.Say("2025-06-05", AirDefence, Stage.Signed);
        story.Correct(first, new StatementChanges(Assertions: [new Assertion(AirDefence, Stage.UnderExamination)]));
        var retracted = story.Say("2025-06-07", AirDefence, Stage.Announced);
        story.Retract(retracted);

        var history = CommitmentHistory.Of(story.Agreement, story.Agreement.Commitment(AirDefence)!);

        history.Entries.Select(e => e.Kind).ShouldBe(["statement", "transition", "statement"]);
        var corrected = history.Entries[0].Statement!;
        corrected.Corrections.Single().EarlierReading.Assertions.Single().Stage.ShouldBe(Stage.Signed);
        corrected.Corrections.Single().CorrectedReading.Assertions.Single().Stage.ShouldBe(Stage.UnderExamination);
        corrected.Recorded.By.ShouldBe("analyst");
        history.Entries[1].Transition!.To.ShouldBe(Stage.UnderExamination);
        history.Entries[2].Statement!.Retracted.ShouldBeTrue();
    }
}
