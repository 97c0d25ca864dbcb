namespace Tracker.Agreements.Deciding;

/// <summary>
/// A write to one agreement stream, decided by its own slice: <see cref="Decide"/> takes the agreement as it stands
/// and says what to append. <see cref="ExpectedVersion"/>, when sent, makes a stale write a conflict.
/// </summary>
public interface IAgreementCommand
{
    string AgreementId { get; }
    long? ExpectedVersion { get; }

    /// <summary>The one statement the decision needs besides the header, if any: a write loads nothing else.</summary>
    Guid? TouchedStatementId => null;

    /// <summary>The actor codes it gives, as given: the writer resolves them in the registry before deciding.</summary>
    IEnumerable<string> ActorCodes => [];

    /// <summary>The person ids it links speakers to, checked in the registry the same way.</summary>
    IEnumerable<string> PersonIds => [];

    /// <summary>The agreement documents its source cites: the writer reads which of them are attached to the agreement.</summary>
    IEnumerable<Guid> DocumentIds => [];

    /// <summary>Pure: the same agreement, command, day and registry always give the same outcome.</summary>
    Outcome Decide(Agreement? agreement, DateOnly today, Registry.ActorDirectory actors);
}

/// <summary>
/// A command whose decision depends on who gives it (a reviewer may not decide their own proposal). The writer and the
/// importer name the authenticated user (<see cref="By"/>) just before deciding: never a client, whatever it sends.
/// </summary>
public interface IAuthoredCommand : IAgreementCommand
{
    IAgreementCommand By(string userName);

    public static IAgreementCommand Stamp(IAgreementCommand command, string userName) =>
        command is IAuthoredCommand authored ? authored.By(userName) : command;
}
