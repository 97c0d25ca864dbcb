using System.Reflection;

namespace Tracker.Agreements.Deciding;

/// <summary>
/// Names a command's import line (<c>{"type": "record-statement", …}</c>) and the event it records. This is all a
/// slice declares to be registered: the importer reads lines of that type as the command, export writes the event
/// back as that line, and the event store learns the event type (<see cref="AgreementCommands"/>).
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class ImportLineAttribute(string type, Type records) : Attribute
{
    public string Type { get; } = type;
    public Type Records { get; } = records;
}

/// <summary>
/// A second event the command's import line records: what it records where review is required (a proposal). Exported as
/// the same line, and imported again as the same command, which proposes again.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class AlsoRecordsAttribute(Type records) : Attribute
{
    public Type Records { get; } = records;
}

/// <summary>An event whose import line is not just its own fields: the parts merged into the line, in order.</summary>
public interface IImportLineParts
{
    IEnumerable<object> ImportLineParts { get; }
}

/// <summary>Every command that declares its <see cref="ImportLineAttribute"/>, found once in this assembly.</summary>
public static class AgreementCommands
{
    private static readonly (string Type, Type Command, Type Event)[] All = typeof(AgreementCommands).Assembly.GetTypes()
        .Select(t => (Command: t, Line: t.GetCustomAttribute<ImportLineAttribute>()))
        .Where(x => x.Line is not null)
        .Select(x => (x.Line!.Type, x.Command, x.Line.Records))
        .OrderBy(x => x.Type, StringComparer.Ordinal)
        .ToArray();

    /// <summary>Import line type → the command it is read as.</summary>
    public static IReadOnlyDictionary<string, Type> ByImportType { get; } =
        All.ToDictionary(x => x.Type, x => x.Command, StringComparer.Ordinal);

    private static readonly (string Type, Type Event)[] Also = All
        .Select(x => (x.Type, Also: x.Command.GetCustomAttribute<AlsoRecordsAttribute>()))
        .Where(x => x.Also is not null)
        .Select(x => (x.Type, x.Also!.Records))
        .ToArray();

    /// <summary>Event type → the import line type that records it again.</summary>
    public static IReadOnlyDictionary<Type, string> ImportTypeOfEvent { get; } =
        All.Select(x => (x.Type, x.Event)).Concat(Also).ToDictionary(x => x.Event, x => x.Type);

    public static IReadOnlyList<Type> EventTypes { get; } = [.. All.Select(x => x.Event), .. Also.Select(x => x.Event)];
}
