using System.Globalization;
using System.Text.Json.Nodes;
using JasperFx.CommandLine;
using Tracker.Cli.Writing;
using Tracker.Kernel;

namespace Tracker.Agreements;

/// <summary>The common fields of a statement as flags; anything else (several assertions, new commitments) goes in --file.</summary>
public class RecordStatementInput : StatementWriteInput
{
    [Description("When it was said: YYYY-MM-DD, or YYYY-MM / YYYY when the source gives only the month or year"), FlagAlias("said-on", 'd')]
    public string? SaidOnFlag { get; set; }

    [Description("Who said it (speaker.name)"), FlagAlias("speaker", 'n')]
    public string? SpeakerFlag { get; set; }

    [Description("The speaker's role, e.g. 'Minister of Defence' (speaker.role)"), FlagAlias("role", 'r')]
    public string? RoleFlag { get; set; }

    [Description("The actor the speaker speaks for, e.g. UKR (speaker.actor)"), FlagAlias("actor", true)]
    public string? ActorFlag { get; set; }

    [Description("Where it was said"), FlagAlias("place", 'p')]
    public string? PlaceFlag { get; set; }

    [Description("The words as said, in their own language"), FlagAlias("quote", 'q')]
    public string? QuoteFlag { get; set; }

    [Description("The quote's language, a BCP 47 tag such as de, uk or en-GB"), FlagAlias("language", 'l')]
    public string? LanguageFlag { get; set; }

    [Description("An English translation of the quote"), FlagAlias("translation", 't')]
    public string? TranslationFlag { get; set; }

    [Description("The outlet that reported it (source.outlet)"), FlagAlias("outlet", 'o')]
    public string? OutletFlag { get; set; }

    [Description("The kind of source, e.g. official-statement or media-report (source.kind)"), FlagAlias("kind", 'k')]
    public string? KindFlag { get; set; }

    [Description("The source's address, http(s) (source.url)"), FlagAlias("url", true)]
    public string? UrlFlag { get; set; }

    [Description("When the source was published, YYYY-MM-DD (source.publishedOn)"), FlagAlias("published-on", true)]
    public string? PublishedOnFlag { get; set; }

    [Description("The commitment the statement speaks of (its commitmentId in the first assertion)"), FlagAlias("commitment", 'c')]
    public string? CommitmentFlag { get; set; }

    [Description("The stage it says the commitment has reached, e.g. under-examination (its stage in the first assertion)"), FlagAlias("stage", 's')]
    public string? StageFlag { get; set; }

    [Description("A quantity the statement gives for it, e.g. 8 (its quantity.amount in the first assertion)"), FlagAlias("amount", true)]
    public string? AmountFlag { get; set; }

    [Description("The unit of that quantity, e.g. systems (its quantity.unit in the first assertion)"), FlagAlias("unit", true)]
    public string? UnitFlag { get; set; }

    [Description("A note on the assertion (its note in the first assertion)"), FlagAlias("note", true)]
    public string? NoteFlag { get; set; }
}

[Description("Record what someone said about a commitment: the API's body with --file, or its common fields as flags " +
             "(--agreement, --said-on, --speaker, --quote, --language, --outlet, --kind, --commitment, --stage, …); " +
             "flags win over the file", Name = "record")]
public class RecordStatementVerb : WriteVerb<RecordStatementInput, RecordStatement>
{
    private static readonly Dictionary<string, string> Flags = new()
    {
        ["saidOn"] = "--said-on", ["speaker.name"] = "--speaker", ["speaker.role"] = "--role", ["speaker.actor"] = "--actor",
        ["place"] = "--place", ["quote"] = "--quote", ["language"] = "--language", ["translation"] = "--translation",
        ["source.outlet"] = "--outlet", ["source.kind"] = "--kind", ["source.url"] = "--url",
        ["source.publishedOn"] = "--published-on", ["assertions[0].commitmentId"] = "--commitment",
        ["assertions[0].stage"] = "--stage", ["assertions[0].quantity.amount"] = "--amount",
        ["assertions[0].quantity.unit"] = "--unit", ["assertions[0].note"] = "--note",
    };

    protected override string Verb => "record";
    protected override bool BodyRequired => false;
    protected override IReadOnlyDictionary<string, string> FlagOfField => Flags;

    protected override void ApplyFlags(RecordStatementInput input, RequestBody body, List<FieldError> errors)
    {
        SetText(body, "saidOn", input.SaidOnFlag);
        SetText(body, "speaker.name", input.SpeakerFlag);
        SetText(body, "speaker.role", input.RoleFlag);
        SetText(body, "speaker.actor", input.ActorFlag);
        SetText(body, "place", input.PlaceFlag);
        SetText(body, "quote", input.QuoteFlag);
        SetText(body, "language", input.LanguageFlag);
        SetText(body, "translation", input.TranslationFlag);
        SetText(body, "source.outlet", input.OutletFlag);
        SetText(body, "source.kind", input.KindFlag);
        SetText(body, "source.url", input.UrlFlag);
        SetText(body, "source.publishedOn", input.PublishedOnFlag);
        SetText(body, "assertions[0].commitmentId", input.CommitmentFlag);
        SetText(body, "assertions[0].stage", input.StageFlag);
        SetText(body, "assertions[0].quantity.unit", input.UnitFlag);
        SetText(body, "assertions[0].note", input.NoteFlag);
        if (input.AmountFlag is { } amount)
        {
            if (decimal.TryParse(amount, NumberStyles.Number, CultureInfo.InvariantCulture, out var value))
                body.Set("assertions[0].quantity.amount", JsonValue.Create(value));
            else errors.Add(new FieldError("assertions[0].quantity.amount", $"'{amount}' is not a number (use a full stop for decimals)"));
        }
    }

    protected override RecordStatement Complete(RecordStatement command, RecordStatementInput input, long? expectedVersion,
        List<FieldError> errors)
    {
        var id = StatementId(input, command.StatementId, errors, required: false);
        return command with
        {
            AgreementId = Matching("agreementId", "--agreement", input.AgreementFlag, command.AgreementId, errors)!,
            // As over HTTP: without a client-chosen id the server picks one (give one to make a re-run idempotent).
            StatementId = id == Guid.Empty ? Guid.CreateVersion7() : id,
            ExpectedVersion = expectedVersion,
        };
    }

    protected override object Written(RecordStatement command, long version) =>
        new StatementWritten(command.AgreementId, command.StatementId, version);

    protected override string Done(RecordStatement command) =>
        $"Recorded statement {command.StatementId} in '{command.AgreementId}'";
}
