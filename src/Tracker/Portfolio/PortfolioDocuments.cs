using Tracker.Agreements;

namespace Tracker.Portfolio;

/// <summary>
/// The portfolio projection's own memory of one commitment: its terms, the statements that currently speak of it
/// (only what the status rule reads), and the status pieces and transitions it last wrote, so that the next event
/// closes exactly the rows it changes. Rebuilt with the projection, never read by anything else.
/// </summary>
public sealed class CommitmentFile
{
    public string Id { get; set; } = "";
    public string AgreementId { get; set; } = "";
    /// <summary>The version of the event that added it: commitments list in the order they were added.</summary>
    public long Ordinal { get; set; }
    public Commitment Commitment { get; set; } = null!;
    /// <summary>Not retracted, and asserting this commitment in their current reading. Kept as rows of their own
    /// (<c>portfolio_facts</c>), so that a new statement writes one row, not its commitment's every statement again.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public List<StatementFacts> Statements { get; set; } = [];
    /// <summary>Drawn anew whenever <see cref="Statements"/> changes: what a cached copy of them must match.</summary>
    public Guid FactsStamp { get; set; }
    public List<StatusPiece> Pieces { get; set; } = [];
    public DateTimeOffset TransitionsKnownFrom { get; set; }
    public int TransitionCount { get; set; }
    public string TransitionsHash { get; set; } = "";
    /// <summary>
    /// Its status with every statement counted, as its open-ended row says (abridged), and the latest said-on date and
    /// last day among its statements: a statement said no earlier continues this status
    /// (<see cref="StatusRule.Continue"/>) without reading <see cref="Statements"/>. Null in a file written before it
    /// was kept: the next write evaluates the commitment whole once.
    /// </summary>
    public CommitmentStatus? Latest { get; set; }
    public SaidOn? LatestSaidOn { get; set; }
    public DateOnly? LatestEnd { get; set; }
    /// <summary>Record time only moves forward for one commitment, even if two instances' clocks disagree.</summary>
    public DateTimeOffset LastKnownFrom { get; set; }

    public static string KeyOf(string agreementId, string commitmentId) => $"{agreementId}/{commitmentId}";
}

/// <summary>One open row of <c>portfolio_status</c>: valid over [ValidFrom, ValidTo), known since KnownFrom.</summary>
public sealed record StatusPiece(DateOnly ValidFrom, DateOnly ValidTo, DateTimeOffset KnownFrom, string Hash);

/// <summary>The projection's memory of one statement: which commitments it speaks of, and its open statement row.</summary>
public sealed class StatementRoute
{
    [JasperFx.Identity]
    public string Key { get; set; } = "";
    public string AgreementId { get; set; } = "";
    public StatementFacts Facts { get; set; } = null!;
    public bool Retracted { get; set; }
    public DateTimeOffset KnownFrom { get; set; }
}
