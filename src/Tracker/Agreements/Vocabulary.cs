using System.Text.Json.Serialization;

namespace Tracker.Agreements;

/// <summary>
/// How far a commitment has gone. The first seven form a ladder, in order; the last three are off it.
/// Each member's comment gives its meaning and the CAMEO event codes it corresponds to.
/// </summary>
[JsonConverter(typeof(JsonStringEnumConverter<Stage>))]
public enum Stage
{
    /// <summary>Mentioned or discussed. CAMEO 04x consult (040, 042, 043, 046).</summary>
    [JsonStringEnumMemberName("raised")] Raised = 1,
    /// <summary>The parties agreed to examine or study it. CAMEO 036 express intent to meet or negotiate.</summary>
    [JsonStringEnumMemberName("under-examination")] UnderExamination = 2,
    /// <summary>Intent declared: pledge, agreement in principle. CAMEO 03x express intent to cooperate (0312, 0332).</summary>
    [JsonStringEnumMemberName("announced")] Announced = 3,
    /// <summary>A written instrument signed: letter of intent, MoU, agreement. CAMEO 057 sign formal agreement.</summary>
    [JsonStringEnumMemberName("signed")] Signed = 4,
    /// <summary>Ratified, contracted, funds committed (a firm obligation in IATI/FTS terms). CAMEO 057 (ratification).</summary>
    [JsonStringEnumMemberName("binding")] Binding = 5,
    /// <summary>In force; production or deliveries under way. CAMEO 06x material cooperation (062), 07x aid (072).</summary>
    [JsonStringEnumMemberName("in-effect")] InEffect = 6,
    /// <summary>Delivered or completed. CAMEO 06x/07x, completed.</summary>
    [JsonStringEnumMemberName("fulfilled")] Fulfilled = 7,
    /// <summary>Off the ladder: no progress, delayed, put on hold. CAMEO 1311 threaten to reduce or stop aid, 164 halt negotiations.</summary>
    [JsonStringEnumMemberName("stalled")] Stalled = 20,
    /// <summary>Off the ladder: a party pulled out. CAMEO 1621/1622 reduce or stop assistance.</summary>
    [JsonStringEnumMemberName("withdrawn")] Withdrawn = 21,
    /// <summary>Off the ladder: turned down. CAMEO 12x reject, 127 reject plan or agreement.</summary>
    [JsonStringEnumMemberName("rejected")] Rejected = 22,
}

public static class Stages
{
    public static bool IsOnLadder(this Stage stage) => stage is >= Stage.Raised and <= Stage.Fulfilled;

    /// <summary>Quantities asserted at these stages count as delivered; below them, as pledged.</summary>
    public static bool MeansDelivery(this Stage stage) => stage is Stage.InEffect or Stage.Fulfilled;

    public static string Name(this Stage stage) => Vocabulary.NameOf(stage);
}

[JsonConverter(typeof(JsonStringEnumConverter<Category>))]
public enum Category
{
    [JsonStringEnumMemberName("air-defence")] AirDefence,
    [JsonStringEnumMemberName("drones")] Drones,
    [JsonStringEnumMemberName("munitions")] Munitions,
    [JsonStringEnumMemberName("aircraft")] Aircraft,
    [JsonStringEnumMemberName("finance")] Finance,
    [JsonStringEnumMemberName("industry")] Industry,
    [JsonStringEnumMemberName("other")] Other,
}

[JsonConverter(typeof(JsonStringEnumConverter<SourceKind>))]
public enum SourceKind
{
    [JsonStringEnumMemberName("official-document")] OfficialDocument,
    [JsonStringEnumMemberName("official-statement")] OfficialStatement,
    [JsonStringEnumMemberName("media-report")] MediaReport,
    [JsonStringEnumMemberName("other")] Other,
}

[JsonConverter(typeof(JsonStringEnumConverter<DatePrecision>))]
public enum DatePrecision
{
    [JsonStringEnumMemberName("day")] Day,
    [JsonStringEnumMemberName("month")] Month,
    [JsonStringEnumMemberName("year")] Year,
}

/// <summary>The wire names of the vocabularies (kebab-case), for parsing and messages.</summary>
public static class Vocabulary
{
    /// <summary>Read once per vocabulary: reports name a stage or category several times per row.</summary>
    public static string NameOf<T>(T value) where T : struct, Enum => Names<T>.ByValue[value];

    private static class Names<T> where T : struct, Enum
    {
        public static readonly IReadOnlyDictionary<T, string> ByValue = Enum.GetValues<T>().ToDictionary(v => v, v =>
            typeof(T).GetField(v.ToString())!
                .GetCustomAttributes(typeof(JsonStringEnumMemberNameAttribute), false)
                .Cast<JsonStringEnumMemberNameAttribute>().Single().Name);
    }

    public static IReadOnlyList<string> NamesOf<T>() where T : struct, Enum =>
        Enum.GetValues<T>().Select(NameOf).ToList();

    public static bool TryParse<T>(string? text, out T value) where T : struct, Enum
    {
        foreach (var v in Enum.GetValues<T>())
            if (string.Equals(NameOf(v), text, StringComparison.OrdinalIgnoreCase))
            {
                value = v;
                return true;
            }
        value = default;
        return false;
    }
}
