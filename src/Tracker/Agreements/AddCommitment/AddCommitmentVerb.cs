using JasperFx.CommandLine;
using Tracker.Cli.Writing;
using Tracker.Kernel;

namespace Tracker.Agreements;

[Description("Add a commitment to track in an agreement: 'add-commitment --agreement A --file commitment.json' with " +
             "the API's body (commitmentId, title, category, responsibleActors, targetDate, quantity)", Name = "add-commitment")]
public class AddCommitmentVerb : WriteVerb<AgreementWriteInput, AddCommitment>
{
    protected override string Verb => "add-commitment";

    protected override AddCommitment Complete(AddCommitment command, AgreementWriteInput input,
        List<FieldError> errors) => command with
    {
        AgreementId = Matching("agreementId", "--agreement", input.AgreementFlag, command.AgreementId, errors)!,
    };

    protected override object Written(AddCommitment command, long version) =>
        new CommitmentWritten(command.AgreementId, command.CommitmentId, version);

    protected override string Done(AddCommitment command) =>
        $"Added commitment '{command.CommitmentId}' to '{command.AgreementId}'";
}
