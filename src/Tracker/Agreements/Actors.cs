namespace Tracker.Agreements;

/// <summary>
/// Who can be a party, a responsible actor or a speaker's actor: a state by its ISO 3166-1 alpha-3 code (UKR, FRA),
/// one of the organisations below, or a unit of either after a hyphen (UKR-MOD, EU-EPF). One code per actor, so
/// that "UK" and "GBR" never split a portfolio in two; a near miss is refused with the code it most likely meant.
/// </summary>
public static class Actors
{
    /// <summary>Organisations and groupings that make and keep commitments in the field, with their usual codes.</summary>
    public static readonly IReadOnlyDictionary<string, string> Organisations = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["AU"] = "African Union",
        ["ASEAN"] = "Association of Southeast Asian Nations",
        ["CIS"] = "Commonwealth of Independent States",
        ["COE"] = "Council of Europe",
        ["CSTO"] = "Collective Security Treaty Organization",
        ["EBRD"] = "European Bank for Reconstruction and Development",
        ["ECOWAS"] = "Economic Community of West African States",
        ["EDA"] = "European Defence Agency",
        ["EIB"] = "European Investment Bank",
        ["EU"] = "European Union",
        ["G7"] = "Group of Seven",
        ["G20"] = "Group of Twenty",
        ["GCC"] = "Gulf Cooperation Council",
        ["IAEA"] = "International Atomic Energy Agency",
        ["ICRC"] = "International Committee of the Red Cross",
        ["IMF"] = "International Monetary Fund",
        ["JEF"] = "Joint Expeditionary Force",
        ["NATO"] = "North Atlantic Treaty Organization",
        ["NB8"] = "Nordic-Baltic Eight",
        ["OAS"] = "Organization of American States",
        ["OPCW"] = "Organisation for the Prohibition of Chemical Weapons",
        ["OSCE"] = "Organization for Security and Co-operation in Europe",
        ["SCO"] = "Shanghai Cooperation Organisation",
        ["UDCG"] = "Ukraine Defense Contact Group (Ramstein format)",
        ["UN"] = "United Nations",
        ["UNSC"] = "United Nations Security Council",
        ["WB"] = "World Bank Group",
        // Not in ISO 3166-1, but the code the EU, NATO and the UN system use for Kosovo.
        ["XKX"] = "Kosovo",
    };

    /// <summary>Codes people write for a state that are not its alpha-3 code, beyond its alpha-2 code.</summary>
    private static readonly IReadOnlyDictionary<string, string> Habits = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["UK"] = "GBR", ["EL"] = "GRC", ["USSR"] = "RUS", ["ROK"] = "KOR", ["DPRK"] = "PRK", ["PRC"] = "CHN", ["ROC"] = "TWN",
        ["KOS"] = "XKX", ["XK"] = "XKX", ["UAE"] = "ARE", ["EC"] = "EU",
    };

    private static readonly IReadOnlyDictionary<string, string> ByAlpha2 =
        Iso3166.ByAlpha3.ToDictionary(c => c.Value.Alpha2, c => c.Key, StringComparer.Ordinal);

    public static string? NameOf(string code) =>
        Iso3166.ByAlpha3.TryGetValue(code, out var state) ? state.Name : Organisations.GetValueOrDefault(code);

    /// <summary>A code as listed, or a listed code followed by units (UKR-MOD), each 1 to 12 letters or digits.</summary>
    public static bool IsKnown(string code)
    {
        var parts = code.Split('-');
        return NameOf(parts[0]) is not null
               && parts.Skip(1).All(p => p.Length is >= 1 and <= 12 && p.All(c => c is (>= 'A' and <= 'Z') or (>= '0' and <= '9')));
    }

    /// <summary>Why a code is not an actor, with the code it most likely meant when there is one.</summary>
    public static string Refusal(string code)
    {
        if (code != code.ToUpperInvariant() && IsKnown(code.ToUpperInvariant()))
            return $"'{code}' must be written in capitals: {code.ToUpperInvariant()}";
        var head = code.Split('-')[0].ToUpperInvariant();
        var meant = Habits.GetValueOrDefault(head) ?? ByAlpha2.GetValueOrDefault(head) ?? Nearest(head);
        var hint = meant is null ? "." : $"; did you mean {meant} ({NameOf(meant)})?";
        return $"'{code}' is not an actor code{hint} States are ISO 3166-1 alpha-3 codes (GBR, not UK or GB); " +
               "organisations are listed in README.md (EU, NATO, UN, …); a unit follows its actor after a hyphen (UKR-MOD)";
    }

    /// <summary>The listed code one letter away (a typo: FRN for FRA), if exactly one is.</summary>
    private static string? Nearest(string code)
    {
        var near = Iso3166.ByAlpha3.Keys.Concat(Organisations.Keys).Where(k => OneEditApart(k, code)).Take(2).ToList();
        return near.Count == 1 ? near[0] : null;
    }

    private static bool OneEditApart(string a, string b)
    {
        if (Math.Abs(a.Length - b.Length) > 1 || a == b) return false;
        if (a.Length == b.Length) return a.Zip(b).Count(p => p.First != p.Second) == 1;
        var (shorter, longer) = a.Length < b.Length ? (a, b) : (b, a);
        for (var i = 0; i < longer.Length; i++)
            if (longer.Remove(i, 1) == shorter) return true;
        return false;
    }
}
