using System.Globalization;
using Tracker.Agreements;
using Tracker.Kernel;

namespace Tracker.Registry;

/// <summary>An actor as the registry knows it: built in, registered by an analyst, or built in and since changed.</summary>
public sealed record ActorEntry(
    string Id,
    ActorKind Kind,
    string Name,
    string? Country = null,
    DateOnly? ValidFrom = null,
    DateOnly? ValidTo = null,
    IReadOnlyList<string>? Aliases = null,
    string? EventCode = null,
    string? Notes = null,
    string? MergedInto = null)
{
    public IReadOnlyList<string> AliasList => Aliases ?? [];

    /// <summary>Whether the actor existed on a date (states that ceased, organisations wound up); unknown means yes.</summary>
    public bool ExistedOn(DateOnly date) => (ValidFrom is null || ValidFrom <= date) && (ValidTo is null || date <= ValidTo);
}

/// <summary>
/// The actors every store starts with, read from <c>seeds/actors.csv</c> (embedded): every ISO 3166-1 state (Debian's
/// iso-codes), the ISO 3166-3 former states under their familiar alpha-3 codes with the dates they existed, and the
/// organisations the field deals with. Hints are codes people write for an actor that are not its code (UK, GB for
/// GBR; USSR for SUN): refused, naming the code meant. Aliases (EUE, EUU for EU) are stored as the actor's code.
/// </summary>
public static class BuiltinActors
{
    public const string ResourceName = "seeds/actors.csv";

    public static IReadOnlyDictionary<string, ActorEntry> ById { get; }
    /// <summary>Name key of an alias → the actor's code.</summary>
    public static IReadOnlyDictionary<string, string> ByAlias { get; }
    /// <summary>A code people write that is not an actor's (UK, GB, USSR) → the code they meant.</summary>
    public static IReadOnlyDictionary<string, string> Hints { get; }

    static BuiltinActors()
    {
        var byId = new Dictionary<string, ActorEntry>(StringComparer.Ordinal);
        var byAlias = new Dictionary<string, string>(StringComparer.Ordinal);
        var hints = new Dictionary<string, string>(StringComparer.Ordinal);
        using var stream = typeof(BuiltinActors).Assembly.GetManifestResourceStream(ResourceName)
                           ?? throw new InvalidOperationException($"{ResourceName} is not embedded");
        using var reader = new StreamReader(stream);
        // The import's own CSV reader, run to completion here: the list is an embedded resource, read once.
        var csv = new Kernel.CsvParser(reader);
        List<string>? Next() => csv.NextAsync(CancellationToken.None).GetAwaiter().GetResult()?.Fields;
        var header = Next() is { } names ? string.Join(',', names) : null;
        if (header != "actorId,kind,name,country,validFrom,validTo,aliases,hints,eventCode")
            throw new InvalidOperationException($"{ResourceName}: unexpected header '{header}'");
        while (Next() is { } f)
        {
            var line = csv.Line;
            if (f.Count != 9) throw new InvalidOperationException($"{ResourceName}:{line}: expected 9 fields, found {f.Count}");
            if (!Vocabulary.TryParse<ActorKind>(f[1], out var kind))
                throw new InvalidOperationException($"{ResourceName}:{line}:kind: '{f[1]}' is not an actor kind");
            var aliases = List(f[6]);
            var entry = new ActorEntry(f[0], kind, f[2], Blank(f[3]), Date(f[4]), Date(f[5]), aliases, Blank(f[8]));
            byId.Add(entry.Id, entry);
            foreach (var alias in aliases) byAlias.Add(NameKey.Of(alias), entry.Id);
            foreach (var hint in List(f[7])) hints.Add(hint, entry.Id);
        }
        ById = byId;
        ByAlias = byAlias;
        Hints = hints;
    }

    public static ActorEntry? Find(string id) => ById.GetValueOrDefault(id);

    private static List<string> List(string field) =>
        field.Length == 0 ? [] : [.. field.Split('|', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)];

    private static string? Blank(string field) => field.Length == 0 ? null : field;

    private static DateOnly? Date(string field) =>
        field.Length == 0 ? null : DateOnly.ParseExact(field, "yyyy-MM-dd", CultureInfo.InvariantCulture);
}
