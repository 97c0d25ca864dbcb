using JasperFx.CommandLine;
using Tracker.Cli.Writing;
using Tracker.Kernel;

namespace Tracker.Agreements;

[Description("Correct what was misread in a statement, with a reason; history keeps the earlier reading: " +
             "'correct --agreement A --statement-id S --file correction.json' with the API's body (changes, reason, correctionId)",
    Name = "correct")]
public class CorrectStatementVerb : WriteVerb<StatementWriteInput, CorrectStatement>
{
    protected override string Verb => "correct";

    protected override CorrectStatement Complete(CorrectStatement command, StatementWriteInput input,
        List<FieldError> errors) => command with
    {
        AgreementId = Matching("agreementId", "--agreement", input.AgreementFlag, command.AgreementId, errors)!,
        StatementId = StatementId(input, command.StatementId, errors, required: true),
        // As over HTTP: without a client-chosen key the correction gets its own.
        CorrectionId = command.CorrectionId ?? Guid.CreateVersion7(),
    };

    protected override object Written(CorrectStatement command, long version) =>
        new StatementWritten(command.AgreementId, command.StatementId, version);

    protected override string Done(CorrectStatement command) =>
        $"Corrected statement {command.StatementId} in '{command.AgreementId}'";
}
