using Tracker.Agreements;
using Tracker.Agreements.Deciding;
using Tracker.Kernel;

namespace Tracker.Tests.Domain;

/// <summary>The deciders: state + command → events, or a rejection naming the field. No database.</summary>
public class DeciderTests
{
    private const string AirDefence = "air-defence-joint-production";
    private static readonly DateOnly Today = AgreementStory.Today;

    private static RecordStatement Statement(Guid? id = null, string saidOn = "2025-06-05", string stage = "under-examination",
        string commitment = AirDefence, string? quote = "Darüber hinaus vereinbarten die Seiten, … zu prüfen.",
        string? url = "https://example.org/article") =>
        new("ua-fr-defence-industry", id ?? Guid.NewGuid(), saidOn, new SpeakerInput("Rustem Umerov", "Minister of Defence", "UKR"),
            "Brussels", quote, "de", "The sides agreed to examine…", new SourceInput("Example Outlet", "media-report", url,
                new DateOnly(2025, 6, 6), "B", 2), [new AssertionInput(commitment, stage)]);

    private static IReadOnlyList<FieldError> Errors(Outcome outcome) => outcome.ShouldBeOfType<Rejected>().Errors;

    [Fact]
    public void opening_an_agreement_needs_a_slug_a_title_and_two_parties()
    {
        var outcome = OpenAgreement.Decide(null, new OpenAgreement("UA FR", "", ["UKR"]));

        Errors(outcome).Select(e => e.Field).ShouldBe(["agreementId", "title", "parties"]);
    }

    [Fact]
    public void opening_the_same_agreement_twice_is_a_resend_and_with_other_terms_a_conflict()
    {
        var story = new AgreementStory();
        var same = new OpenAgreement(story.Id, "Ukraine–France defence-industrial cooperation", ["UKR", "FRA"]);

        OpenAgreement.Decide(story.Agreement, same).ShouldBeOfType<AlreadyDone>().Version.ShouldBe(1);
        OpenAgreement.Decide(story.Agreement, same with { Title = "Other" })
            .ShouldBeOfType<Rejected>().Kind.ShouldBe(RejectionKind.Conflict);
    }

    [Fact]
    public void recording_a_statement_appends_one_event_with_the_parsed_reading()
    {
        var story = new AgreementStory(commitments: AirDefence);

        var outcome = story.Decide(a => RecordStatement.Decide(a, Statement(), Today));

        var recorded = outcome.ShouldBeOfType<Accepted>().Events.Single().ShouldBeOfType<StatementRecorded>();
        recorded.Content.SaidOn.ShouldBe(SaidOn.Day(2025, 6, 5));
        recorded.Content.Assertions.Single().Stage.ShouldBe(Stage.UnderExamination);
        recorded.Content.Source.Kind.ShouldBe(SourceKind.MediaReport);
    }

    [Theory]
    [InlineData("stage", "ratified", "assertions[0].stage", "'ratified' is not one of")]
    [InlineData("commitment", "submarines", "assertions[0].commitmentId", "does not exist")]
    [InlineData("saidOn", "2026-01-05", "saidOn", "in the future")]
    [InlineData("saidOn", "5.6.2025", "saidOn", "not a date")]
    [InlineData("saidOn", "2025-06-09", "saidOn", "after the source was published")]
    [InlineData("quote", "  ", "quote", "required")]
    [InlineData("url", "not a url", "source.url", "absolute http(s) URL")]
    public void a_bad_field_is_rejected_by_name_and_reason(string what, string value, string field, string reason)
    {
        var story = new AgreementStory(commitments: AirDefence);
        var command = what switch
        {
            "stage" => Statement(stage: value),
            "commitment" => Statement(commitment: value),
            "saidOn" => Statement(saidOn: value),
            "quote" => Statement(quote: value),
            _ => Statement(url: value),
        };

        var error = Errors(RecordStatement.Decide(story.Agreement, command, Today)).ShouldHaveSingleItem();

        error.Field.ShouldBe(field);
        error.Reason.ShouldContain(reason);
    }

    [Fact]
    public void an_oversized_quote_is_rejected_with_the_limit()
    {
        var story = new AgreementStory(commitments: AirDefence);

        var error = Errors(RecordStatement.Decide(story.Agreement, Statement(quote: new string('x', 10_001)), Today)).Single();

        error.Field.ShouldBe("quote");
        error.Reason.ShouldBe("is 10001 characters long; the limit is 10000");
    }

    [Fact]
    public void an_unknown_agreement_is_not_found()
    {
        RecordStatement.Decide(null, Statement(), Today).ShouldBeOfType<Rejected>().Kind.ShouldBe(RejectionKind.NotFound);
    }

    [Fact]
    public void the_same_statement_sent_twice_is_recorded_once_and_other_content_under_its_id_is_a_conflict()
    {
        var story = new AgreementStory(commitments: AirDefence);
        var command = Statement();
        story.Decide(a => RecordStatement.Decide(a, command, Today)).ShouldBeOfType<Accepted>();

        RecordStatement.Decide(story.Agreement, command, Today).ShouldBeOfType<AlreadyDone>().Version.ShouldBe(3);
        var conflict = RecordStatement.Decide(story.Agreement, command with { Quote = "something else" }, Today);
        conflict.ShouldBeOfType<Rejected>().Kind.ShouldBe(RejectionKind.Conflict);
    }

    [Fact]
    public void a_statement_may_introduce_the_commitment_it_speaks_of()
    {
        var story = new AgreementStory();
        var command = Statement(commitment: "drone-production") with
        {
            NewCommitments = [new CommitmentInput("drone-production", "Joint drone production", "drones", ["UKR", "FRA"])],
        };

        var events = story.Decide(a => RecordStatement.Decide(a, command, Today)).ShouldBeOfType<Accepted>().Events;

        events[0].ShouldBeOfType<CommitmentAdded>().Category.ShouldBe(Category.Drones);
        events[1].ShouldBeOfType<StatementRecorded>();
        story.Status("drone-production").Stage.ShouldBe(Stage.UnderExamination);
    }

    [Fact]
    public void resending_a_statement_repeats_the_commitments_it_introduced_or_is_a_conflict()
    {
        var story = new AgreementStory();
        var command = Statement(commitment: "drone-production") with
        {
            NewCommitments = [new CommitmentInput("drone-production", "Joint drone production", "drones", ["UKR", "FRA"])],
        };
        story.Decide(a => RecordStatement.Decide(a, command, Today)).ShouldBeOfType<Accepted>();

        RecordStatement.Decide(story.Agreement, command, Today).ShouldBeOfType<AlreadyDone>();
        var otherTerms = command with
        {
            NewCommitments = [new CommitmentInput("drone-production", "Joint drone production", "drones", ["UKR"])],
        };
        RecordStatement.Decide(story.Agreement, otherTerms, Today).ShouldBeOfType<Rejected>().Kind.ShouldBe(RejectionKind.Conflict);
    }

    [Fact]
    public void a_decider_judges_the_same_on_the_header_and_the_one_statement_as_on_the_whole_agreement()
    {
        var story = new AgreementStory(commitments: AirDefence);
        var named = story.Say("2025-06-05", AirDefence, Stage.Signed);
        story.Say("2025-06-06", AirDefence, Stage.Announced);
        var full = story.Agreement;
        var partial = Agreement.Assemble(full.Header, [full.Statement(named)!]);
        IAgreementCommand[] commands =
        [
            Statement(id: named, stage: "signed"), Statement(id: named, stage: "binding"), Statement(),
            new CorrectStatement(story.Id, named, new ChangesInput(Place: "Paris"), "misread", Guid.NewGuid()),
            new RetractStatement(story.Id, named, "hoax"),
            new AddCommitment(story.Id, AirDefence, AirDefence, "air-defence", ["UKR", "FRA"]),
        ];

        foreach (var command in commands)
        {
            var onPartial = command.Decide(partial, Today, Tracker.Registry.ActorDirectory.BuiltIn);
            var onFull = command.Decide(full, Today, Tracker.Registry.ActorDirectory.BuiltIn);
            onPartial.GetType().ShouldBe(onFull.GetType(), command.ToString());
            (onPartial as Rejected)?.Kind.ShouldBe(((Rejected)onFull).Kind);
        }
    }

    [Fact]
    public void a_correction_needs_a_reason_and_a_change_and_cannot_touch_a_retracted_statement()
    {
        var story = new AgreementStory(commitments: AirDefence);
        var id = story.Say("2025-06-05", AirDefence, Stage.Signed);

        Errors(CorrectStatement.Decide(story.Agreement, new CorrectStatement(story.Id, id, new ChangesInput(Place: "Paris"), "", Guid.NewGuid()), Today))
            .Single().Field.ShouldBe("reason");
        Errors(CorrectStatement.Decide(story.Agreement, new CorrectStatement(story.Id, id, new ChangesInput(), "why", Guid.NewGuid()), Today))
            .Single().Field.ShouldBe("changes");
        Errors(CorrectStatement.Decide(story.Agreement,
                new CorrectStatement(story.Id, id, new ChangesInput(Assertions: [new AssertionInput(AirDefence, "maybe")]), "why", Guid.NewGuid()), Today))
            .Single().Field.ShouldBe("changes.assertions[0].stage");

        story.Retract(id);
        CorrectStatement.Decide(story.Agreement, new CorrectStatement(story.Id, id, new ChangesInput(Place: "Paris"), "why", Guid.NewGuid()), Today)
            .ShouldBeOfType<Rejected>().Kind.ShouldBe(RejectionKind.Conflict);
    }

    [Fact]
    public void retracting_twice_for_the_same_reason_is_a_resend()
    {
        var story = new AgreementStory(commitments: AirDefence);
        var id = story.Say("2025-06-05", AirDefence, Stage.Signed);
        story.Decide(a => RetractStatement.Decide(a, new RetractStatement(story.Id, id, "hoax"))).ShouldBeOfType<Accepted>();

        RetractStatement.Decide(story.Agreement, new RetractStatement(story.Id, id, "hoax")).ShouldBeOfType<AlreadyDone>();
        RetractStatement.Decide(story.Agreement, new RetractStatement(story.Id, id, "other"))
            .ShouldBeOfType<Rejected>().Kind.ShouldBe(RejectionKind.Conflict);
        RetractStatement.Decide(story.Agreement, new RetractStatement(story.Id, Guid.NewGuid(), "x"))
            .ShouldBeOfType<Rejected>().Kind.ShouldBe(RejectionKind.NotFound);
    }
}
