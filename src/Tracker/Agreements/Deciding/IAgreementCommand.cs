namespace Tracker.Agreements.Deciding;

/// <summary>A write to one agreement stream. <see cref="ExpectedVersion"/>, when sent, makes a stale write a conflict.</summary>
public interface IAgreementCommand
{
    string AgreementId { get; }
    long? ExpectedVersion { get; }
}
