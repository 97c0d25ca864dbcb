using JasperFx.CommandLine;
using Tracker.Cli.Writing;
using Tracker.Kernel;

namespace Tracker.Agreements;

[Description("Open an agreement to track: 'open --file agreement.json' with the API's body " +
             "(agreementId, title, parties, summary, tags, review: required or none; absent: the deployment's default)", Name = "open")]
public class OpenAgreementVerb : WriteVerb<WriteInput, OpenAgreement>
{
    protected override string Verb => "open";

    protected override OpenAgreement Complete(OpenAgreement command, WriteInput input, List<FieldError> errors) => command;

    protected override OpenAgreement Prepared(OpenAgreement command, IServiceProvider services) =>
        command.WithDeploymentDefault(services.GetRequiredService<IConfiguration>());

    protected override object Written(OpenAgreement command, long version) => new AgreementWritten(command.AgreementId, version);

    protected override string Done(OpenAgreement command) => $"Opened agreement '{command.AgreementId}'";
}
