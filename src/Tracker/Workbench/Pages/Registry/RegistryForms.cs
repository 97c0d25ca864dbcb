namespace Tracker.Workbench.Pages.Registry;

/// <summary>What the registry's forms share.</summary>
public static class RegistryForms
{
    /// <summary>A comma-separated box as a list; blank items are left out, so "Renault, " is one alias.</summary>
    public static IReadOnlyList<string>? List(string? text)
    {
        var items = (text ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        return items.Length == 0 ? null : items;
    }

    public static string Validity(DateOnly? from, DateOnly? to) => (from, to) switch
    {
        (null, null) => "—",
        ({ } f, null) => $"from {f:yyyy-MM-dd}",
        (null, { } t) => $"until {t:yyyy-MM-dd}",
        ({ } f, { } t) => $"{f:yyyy-MM-dd} to {t:yyyy-MM-dd}",
    };
}
