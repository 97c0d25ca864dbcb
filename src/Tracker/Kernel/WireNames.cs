using System.Text.Json.Serialization;

namespace Tracker.Kernel;

/// <summary>An enum's wire names: each member's <see cref="JsonStringEnumMemberNameAttribute"/>, as JSON writes it.</summary>
public static class WireNames
{
    /// <summary>Read once per enum: reports name a stage or category several times per row.</summary>
    public static string Of<T>(T value) where T : struct, Enum => Names<T>.ByValue[value];

    public static IReadOnlyList<string> All<T>() where T : struct, Enum => Names<T>.InOrder;

    private static class Names<T> where T : struct, Enum
    {
        public static readonly IReadOnlyDictionary<T, string> ByValue = Enum.GetValues<T>().ToDictionary(v => v, v =>
            typeof(T).GetField(v.ToString())!
                .GetCustomAttributes(typeof(JsonStringEnumMemberNameAttribute), false)
                .Cast<JsonStringEnumMemberNameAttribute>().Single().Name);

        public static readonly IReadOnlyList<string> InOrder = Enum.GetValues<T>().Select(v => ByValue[v]).ToList();
    }
}
