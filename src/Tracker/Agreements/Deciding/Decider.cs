namespace Tracker.Agreements.Deciding;

/// <summary>Routes a command to its slice's pure decider.</summary>
public static class Decider
{
    public static Outcome Decide(IAgreementCommand command, Agreement? agreement, DateOnly today) => command switch
    {
        OpenAgreement c => OpenAgreement.Decide(agreement, c),
        AddCommitment c => AddCommitment.Decide(agreement, c),
        RecordStatement c => RecordStatement.Decide(agreement, c, today),
        CorrectStatement c => CorrectStatement.Decide(agreement, c, today),
        RetractStatement c => RetractStatement.Decide(agreement, c),
        _ => throw new ArgumentOutOfRangeException(nameof(command), command.GetType().Name, "not an agreement command"),
    };
}
