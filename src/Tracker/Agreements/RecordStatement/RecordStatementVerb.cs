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

    [Description("One of the agreement's attached documents the statement cites, by its id (source.documentId)"), FlagAlias("document", true)]
    public string? DocumentFlag { get; set; }

    [Description("The page of that document, from 1 (source.page)"), FlagAlias("page", true)]
    public string? PageFlag { get; set; }

    [Description("The paragraph, from 1 (source.paragraph)"), FlagAlias("paragraph", true)]
    public string? ParagraphFlag { get; set; }

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
    /// <summary>The text fields given as flags: where each goes in the body, and the flag that gives it.</summary>
    private static readonly (string Path, string Flag, Func<RecordStatementInput, string?> Value)[] TextFlags =
    [
        ("saidOn", "--said-on", i => i.SaidOnFlag), ("speaker.name", "--speaker", i => i.SpeakerFlag),
        ("speaker.role", "--role", i => i.RoleFlag), ("speaker.actor", "--actor", i => i.ActorFlag),
        ("place", "--place", i => i.PlaceFlag), ("quote", "--quote", i => i.QuoteFlag),
        ("language", "--language", i => i.LanguageFlag), ("translation", "--translation", i => i.TranslationFlag),
        ("source.outlet", "--outlet", i => i.OutletFlag), ("source.kind", "--kind", i => i.KindFlag),
        ("source.url", "--url", i => i.UrlFlag), ("source.publishedOn", "--published-on", i => i.PublishedOnFlag),
        ("source.documentId", "--document", i => i.DocumentFlag),
        ("assertions[0].commitmentId", "--commitment", i => i.CommitmentFlag), ("assertions[0].stage", "--stage", i => i.StageFlag),
        ("assertions[0].quantity.unit", "--unit", i => i.UnitFlag), ("assertions[0].note", "--note", i => i.NoteFlag),
    ];

    private const string AmountPath = "assertions[0].quantity.amount";

    /// <summary>The whole-number flags: where each goes, the flag, and its value.</summary>
    private static readonly (string Path, string Flag, Func<RecordStatementInput, string?> Value)[] NumberFlags =
    [
        ("source.page", "--page", i => i.PageFlag), ("source.paragraph", "--paragraph", i => i.ParagraphFlag),
    ];

    /// <summary>Every field a flag gives, and the parts of the body the flags build when it has none of them.</summary>
    private static readonly Dictionary<string, string> Flags = TextFlags.Select(f => (f.Path, f.Flag))
        .Append((Path: AmountPath, Flag: "--amount"))
        .Concat(NumberFlags.Select(f => (f.Path, f.Flag)))
        .Append((Path: "speaker", Flag: "--speaker"))
        .Append((Path: "source", Flag: "--outlet and --kind"))
        .Append((Path: "assertions", Flag: "--commitment and --stage"))
        .ToDictionary(f => f.Path, f => f.Flag);

    protected override string Verb => "record";
    protected override bool BodyRequired => false;
    protected override IReadOnlyDictionary<string, string> FlagOfField => Flags;

    protected override void ApplyFlags(RecordStatementInput input, RequestBody body, List<FieldError> errors)
    {
        foreach (var (path, _, value) in TextFlags)
            if (value(input) is { } text) body.Set(path, JsonValue.Create(text));
        if (input.AmountFlag is { } amount)
        {
            if (decimal.TryParse(amount, NumberStyles.Number, CultureInfo.InvariantCulture, out var value))
                body.Set(AmountPath, JsonValue.Create(value));
            else errors.Add(new FieldError(AmountPath, $"'{amount}' is not a number (use a full stop for decimals)"));
        }
        foreach (var (path, _, value) in NumberFlags)
        {
            if (value(input) is not { } given) continue;
            if (int.TryParse(given, NumberStyles.None, CultureInfo.InvariantCulture, out var number)) body.Set(path, JsonValue.Create(number));
            else errors.Add(new FieldError(path, $"'{given}' is not a whole number"));
        }
    }

    protected override RecordStatement Complete(RecordStatement command, RecordStatementInput input,
        List<FieldError> errors)
    {
        var id = StatementId(input, command.StatementId, errors, required: false);
        return command with
        {
            AgreementId = Matching("agreementId", "--agreement", input.AgreementFlag, command.AgreementId, errors)!,
            // As over HTTP: without a client-chosen id the server picks one (give one to make a re-run idempotent).
            StatementId = id == Guid.Empty ? Guid.CreateVersion7() : id,
            };
    }

    protected override object Written(RecordStatement command, long version) =>
        new StatementWritten(command.AgreementId, command.StatementId, version);

    protected override string Done(RecordStatement command) =>
        $"Recorded statement {command.StatementId} in '{command.AgreementId}'";
}
