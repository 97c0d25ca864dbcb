using System.Globalization;
using System.Text;

namespace Tracker.Kernel;

/// <summary>
/// How names and codes are matched: case, accents and spacing never tell two spellings apart (Lecornu ≈ LECORNU,
/// Sébastien ≈ Sebastien, "Groupe  Renault" ≈ "groupe renault"). Scripts are not transliterated: Умєров matches
/// Umerov only once it is an alias, because transliteration guesses and an analyst's alias does not.
/// </summary>
public static class NameKey
{
    public const int MaxLength = 200;

    public static string Of(string text)
    {
        var decomposed = text.Normalize(NormalizationForm.FormKD);
        var key = new StringBuilder(decomposed.Length);
        var space = false;
        foreach (var c in decomposed)
        {
            var category = CharUnicodeInfo.GetUnicodeCategory(c);
            if (category is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark)
                continue;
            if (char.IsLetterOrDigit(c))
            {
                if (space && key.Length > 0) key.Append(' ');
                space = false;
                key.Append(char.ToLowerInvariant(c));
            }
            // Hyphens, dots and apostrophes separate like spaces: "Jean-Yves" ≈ "Jean Yves", "U.S." ≈ "U S".
            else space = true;
        }
        return key.ToString().Normalize(NormalizationForm.FormC);
    }
}
