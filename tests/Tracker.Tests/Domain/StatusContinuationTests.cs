using System.Text.Json;
using Tracker.Agreements;
using Tracker.Portfolio;

namespace Tracker.Tests.Domain;

/// <summary>
/// A write continues a commitment's status from the one stored, instead of evaluating the rule over every statement
/// again (issue 20). Continued statement by statement, from the abridged status a report row stores, the answer must be
/// what the rule says over all the statements, abridged: for any history recorded in said-on order. No database.
/// </summary>
public class StatusContinuationTests
{
    private static readonly Stage[] Stages = Enum.GetValues<Stage>();
    private static readonly string?[] Actors = ["UKR", "FRA", "DEU", null];

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void continuing_a_stored_status_statement_by_statement_equals_the_rule_over_them_all(int seed)
    {
        var random = new Random(seed);
        var commitment = new Commitment("c1", "Joint production", Category.AirDefence, ["UKR"], new DateOnly(2025, 12, 31),
            new Quantity(10, "units"), new Recording(DateTimeOffset.UnixEpoch, "eve", null, 1));
        var statements = new List<StatementFacts>();
        var day = new DateOnly(2024, 1, 1);
        var status = StatusRule.Evaluate("a1", commitment, statements);
        var cited = false;
        for (var i = 0; i < 120; i++)
        {
            // Said the same day as the last one or later, to the day: what recording today's news looks like.
            day = day.AddDays(random.Next(3) == 0 ? 0 : random.Next(1, 20));
            var assertions = new List<Assertion> { Assert(random, "c1") };
            if (random.Next(6) == 0) assertions.Add(Assert(random, random.Next(2) == 0 ? "c1" : "c2"));
            var statement = new StatementFacts(Guid.NewGuid(), i + 2, new SaidOn(day, DatePrecision.Day),
                $"Speaker {random.Next(3)}", Actors[random.Next(Actors.Length)], "Outlet", assertions);
            StatusRule.Continues(statements.Count == 0 ? null : statements.Max(s => s.SaidOn),
                statements.Count == 0 ? null : statements.Max(s => s.SaidOn.End), statement.SaidOn).ShouldBeTrue();
            statements.Add(statement);

            status = StatusRule.Continue(Stored(status), [statement]);

            cited |= status.EvidenceCount > status.Evidence.Count || status.ConflictingCount > status.Conflicting.Count;
            Json(status).ShouldBe(Json(StatusRule.Evaluate("a1", commitment, statements).Abridged()), $"after {i + 1} statements");
        }
        status.EvidenceCount.ShouldBeGreaterThan(0);
        cited.ShouldBeTrue("some status cited fewer statements than it counted");
    }

    [Fact]
    public void a_statement_said_before_one_already_counted_does_not_continue_the_status()
    {
        var june = SaidOn.Parse("2025-06-05");
        StatusRule.Continues(june, june.End, SaidOn.Parse("2025-06-04")).ShouldBeFalse();
        StatusRule.Continues(june, june.End, SaidOn.Parse("2025-06-05")).ShouldBeTrue();
        // "2025" sorts before 5 June but counts only from 31 December: not a continuation of a day in June either way.
        StatusRule.Continues(june, june.End, SaidOn.Parse("2025")).ShouldBeFalse();
        var year = SaidOn.Parse("2025");
        StatusRule.Continues(year, year.End, SaidOn.Parse("2025-06-05")).ShouldBeFalse();
    }

    /// <summary>Mostly one stage, so that long runs corroborate (and lower stages dispute) past what a row cites.</summary>
    private static Assertion Assert(Random random, string commitmentId) =>
        new(commitmentId, random.Next(4) == 0 ? Stages[random.Next(Stages.Length)] : Stage.Signed,
            random.Next(5) == 0 ? new Quantity(random.Next(1, 50), "units") : null);

    /// <summary>As the portfolio keeps it: written and read back as JSON.</summary>
    private static CommitmentStatus Stored(CommitmentStatus status) =>
        JsonSerializer.Deserialize<CommitmentStatus>(Json(status), PortfolioJson.Options)!;

    private static string Json(CommitmentStatus status) => JsonSerializer.Serialize(status, PortfolioJson.Options);
}
