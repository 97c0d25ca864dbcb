using System.Text.RegularExpressions;
using Tracker.Kernel;

namespace Tracker.Agreements.Deciding;

/// <summary>Field checks shared by the deciders. Each adds a <see cref="FieldError"/> and says whether the value passed.</summary>
public sealed partial class Checks(Registry.ActorDirectory? actors = null)
{
    /// <summary>How actor codes resolve for this decision (the built-in list when the caller has no store).</summary>
    public Registry.ActorDirectory Actors { get; } = actors ?? Registry.ActorDirectory.BuiltIn;

    public const int MaxIdLength = 100;
    public const int MaxTitleLength = 300;
    public const int MaxTextLength = 10_000;
    public const int MaxNameLength = 200;
    public const int MaxUrlLength = 2048;
    public const int MaxListLength = 50;
    /// <summary>Multilateral treaties have many parties: the Paris Agreement 195, UNCLOS 170.</summary>
    public const int MaxParties = 250;

    private readonly List<FieldError> _errors = [];
    public IReadOnlyList<FieldError> Errors => _errors;
    public bool Passed => _errors.Count == 0;

    public void Fail(string field, string reason) => _errors.Add(new FieldError(field, reason));

    /// <summary>Whether the value is a well-formed id, before any check reports on it (what may be looked up at all).</summary>
    public static bool IsSlug(string? value) => value is { Length: > 0 and <= MaxIdLength } && SlugPattern().IsMatch(value);

    public bool Slug(string field, string? value)
    {
        if (!Required(field, value, MaxIdLength)) return false;
        if (SlugPattern().IsMatch(value!)) return true;
        Fail(field, "must be a slug: lower-case letters, digits and single hyphens, e.g. 'ua-fr-defence-industry'");
        return false;
    }

    /// <summary>The actor's code the value resolves to (an alias to its actor's code), or null with the reason.</summary>
    public string? Actor(string field, string? value)
    {
        if (!Required(field, value, 100)) return null;
        var resolved = Actors.Resolve(value!);
        if (resolved.Refusal is { } refusal) Fail(field, refusal);
        return resolved.Id;
    }

    public bool Required(string field, string? value, int maxLength)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            Fail(field, "is required");
            return false;
        }
        return MaxLength(field, value, maxLength);
    }

    public bool MaxLength(string field, string? value, int maxLength)
    {
        if (value is null) return true;
        if (value.Length > maxLength)
        {
            Fail(field, $"is {value.Length} characters long; the limit is {maxLength}");
            return false;
        }
        if (StorableText.Problem(value) is not { } problem) return true;
        Fail(field, problem);
        return false;
    }

    public bool Language(string field, string? value)
    {
        if (!Required(field, value, 35)) return false;
        if (LanguagePattern().IsMatch(value!)) return true;
        Fail(field, "must be a BCP 47 language tag such as 'de', 'uk' or 'en-GB'");
        return false;
    }

    public bool Url(string field, string? value)
    {
        if (value is null) return true;
        if (!MaxLength(field, value, MaxUrlLength)) return false;
        if (Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps))
            return true;
        Fail(field, "must be an absolute http(s) URL");
        return false;
    }

    public bool Vocabulary<T>(string field, string? value, out T parsed) where T : struct, Enum
    {
        if (Agreements.Vocabulary.TryParse(value, out parsed)) return true;
        Fail(field, string.IsNullOrWhiteSpace(value)
            ? $"is required; one of: {string.Join(", ", Agreements.Vocabulary.NamesOf<T>())}"
            : $"'{value}' is not one of: {string.Join(", ", Agreements.Vocabulary.NamesOf<T>())}");
        return false;
    }

    public bool ListSize<T>(string field, IReadOnlyCollection<T>? list, int min, int max = MaxListLength)
    {
        var count = list?.Count ?? 0;
        if (count < min)
        {
            Fail(field, min == 1 ? "needs at least one entry" : $"needs at least {min} entries");
            return false;
        }
        if (count <= max) return true;
        Fail(field, $"has {count} entries; the limit is {max}");
        return false;
    }

    [GeneratedRegex("^[a-z0-9]+(-[a-z0-9]+)*$")]
    private static partial Regex SlugPattern();

    [GeneratedRegex("^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$")]
    private static partial Regex LanguagePattern();
}
