using JasperFx.CommandLine;
using Tracker.Cli.Writing;
using Tracker.Kernel;

namespace Tracker.Agreements;

[Description("Retract a statement (a hoax, a misattribution); it stays in history, marked retracted: " +
             "'retract --agreement A --statement-id S --file retraction.json' with the API's body (reason)", Name = "retract")]
public class RetractStatementVerb : WriteVerb<StatementWriteInput, RetractStatement>
{
    protected override string Verb => "retract";

    protected override RetractStatement Complete(RetractStatement command, StatementWriteInput input,
        List<FieldError> errors) => command with
    {
        AgreementId = Matching("agreementId", "--agreement", input.AgreementFlag, command.AgreementId, errors)!,
        StatementId = StatementId(input, command.StatementId, errors, required: true),
    };

    protected override object Written(RetractStatement command, long version) =>
        new StatementWritten(command.AgreementId, command.StatementId, version);

    protected override string Done(RetractStatement command) =>
        $"Retracted statement {command.StatementId} in '{command.AgreementId}'";
}
