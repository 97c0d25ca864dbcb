using Tracker.Kernel;

namespace Tracker.Agreements.Deciding;

/// <summary>
/// Text that can be stored and read back as it was sent. PostgreSQL refuses U+0000 in text and JSON, a lone UTF-16
/// surrogate cannot be encoded as UTF-8 at all, and the other C0 control characters (tab, line feed and carriage
/// return aside) are never part of a quote or a name: they come from broken copy-paste or from probing.
/// </summary>
public static class StorableText
{
    /// <summary>Why the text cannot be stored, or null when it can.</summary>
    public static string? Problem(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
                continue;
            }
            if (char.IsSurrogate(c))
                return $"holds a lone UTF-16 surrogate (U+{(int)c:X4}) at position {i + 1}; send valid Unicode text";
            if (c < ' ' && c is not ('\t' or '\n' or '\r'))
                return $"holds the control character U+{(int)c:X4} at position {i + 1}; remove it";
        }
        return null;
    }

    /// <summary>An error for each named text that cannot be stored, naming its field as sent.</summary>
    public static List<FieldError> Problems(params IEnumerable<(string Field, string? Text)> texts) =>
        texts.Where(t => t.Text is not null)
            .Select(t => Problem(t.Text!) is { } problem ? new FieldError(t.Field, problem) : null)
            .OfType<FieldError>().ToList();
}
