namespace Tracker.Agreements.Deciding;

/// <summary>
/// The latest date that is "today" somewhere: said-on dates up to it are not in the future. Taking the UTC date
/// would tell an analyst in Kyiv, just after local midnight, that today's statement was said tomorrow.
/// </summary>
public static class Today
{
    public static DateOnly Anywhere(TimeProvider clock) => DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime.AddHours(14));
}
