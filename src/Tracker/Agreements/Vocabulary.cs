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

/// <summary>What a commitment is about; each member's comment gives its meaning (README.md lists them too).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<Category>))]
public enum Category
{
    /// <summary>Ground-based air and missile defence: systems, interceptors, radars (SAMP/T, Patriot, IRIS-T).</summary>
    [JsonStringEnumMemberName("air-defence")] AirDefence,
    /// <summary>Uncrewed aerial, surface and ground vehicles, and counter-drone systems.</summary>
    [JsonStringEnumMemberName("drones")] Drones,
    /// <summary>Ammunition, shells, rockets, bombs and their production (the 155 mm initiatives).</summary>
    [JsonStringEnumMemberName("munitions")] Munitions,
    /// <summary>Combat and transport aircraft and helicopters, their weapons, maintenance and pilots' aircraft.</summary>
    [JsonStringEnumMemberName("aircraft")] Aircraft,
    /// <summary>Cruise and ballistic missiles and long-range fires beyond artillery range (SCALP/Storm Shadow, ATACMS).</summary>
    [JsonStringEnumMemberName("long-range-strike")] LongRangeStrike,
    /// <summary>Ships, boats, naval drones, mine countermeasures, coastal defence.</summary>
    [JsonStringEnumMemberName("naval")] Naval,
    /// <summary>Tanks, armoured and other vehicles, artillery and rocket launchers, small arms.</summary>
    [JsonStringEnumMemberName("land-systems")] LandSystems,
    /// <summary>Electronic warfare, communications, command and control.</summary>
    [JsonStringEnumMemberName("electronic-warfare")] ElectronicWarfare,
    /// <summary>Cyber defence and operations, and the protection of networks.</summary>
    [JsonStringEnumMemberName("cyber")] Cyber,
    /// <summary>Satellites, imagery, space-based communications and intelligence sharing.</summary>
    [JsonStringEnumMemberName("intelligence-space")] IntelligenceSpace,
    /// <summary>Training of troops, pilots and specialists; advisers and exercises.</summary>
    [JsonStringEnumMemberName("training")] Training,
    /// <summary>Maintenance, repair, spare parts, fuel, medical and other logistic support.</summary>
    [JsonStringEnumMemberName("logistics")] Logistics,
    /// <summary>Humanitarian demining and explosive ordnance disposal.</summary>
    [JsonStringEnumMemberName("demining")] Demining,
    /// <summary>Money: grants, loans, guarantees, budget support, funds for purchases.</summary>
    [JsonStringEnumMemberName("finance")] Finance,
    /// <summary>Defence-industrial cooperation: joint production, licences, investment in factories.</summary>
    [JsonStringEnumMemberName("industry")] Industry,
    /// <summary>Humanitarian aid: food, shelter, medical aid to civilians, refugees.</summary>
    [JsonStringEnumMemberName("humanitarian")] Humanitarian,
    /// <summary>Energy infrastructure and supplies: generators, grid repair, fuel for civilians.</summary>
    [JsonStringEnumMemberName("energy")] Energy,
    /// <summary>Sanctions, export controls and asset freezes against a third party.</summary>
    [JsonStringEnumMemberName("sanctions")] Sanctions,
    /// <summary>Security guarantees, alliances, basing, accession and other political or treaty commitments.</summary>
    [JsonStringEnumMemberName("security-guarantees")] SecurityGuarantees,
    /// <summary>Anything else; say what in the title.</summary>
    [JsonStringEnumMemberName("other")] Other,
}

/// <summary>Where a statement was found; each member's comment gives its meaning.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<SourceKind>))]
public enum SourceKind
{
    /// <summary>A text a government or organisation issued as such: a treaty, an agreement, a law, a decree, a communiqué.</summary>
    [JsonStringEnumMemberName("official-document")] OfficialDocument,
    /// <summary>An official speaking on the record: a speech, remarks at a press conference, a briefing.</summary>
    [JsonStringEnumMemberName("official-statement")] OfficialStatement,
    /// <summary>A press release or readout published by a ministry, an office or an organisation.</summary>
    [JsonStringEnumMemberName("press-release")] PressRelease,
    /// <summary>A post on an official's or institution's own social media account.</summary>
    [JsonStringEnumMemberName("official-social-media")] OfficialSocialMedia,
    /// <summary>A parliamentary record: a debate, a written answer, a committee hearing, a budget line.</summary>
    [JsonStringEnumMemberName("parliamentary-record")] ParliamentaryRecord,
    /// <summary>A news report by a journalist, which may quote officials.</summary>
    [JsonStringEnumMemberName("media-report")] MediaReport,
    /// <summary>An interview in which the speaker answers in their own words.</summary>
    [JsonStringEnumMemberName("interview")] Interview,
    /// <summary>A company's announcement: a contract award, an order, a delivery.</summary>
    [JsonStringEnumMemberName("company-statement")] CompanyStatement,
    /// <summary>Research by a think tank, an academic or an open-source investigator.</summary>
    [JsonStringEnumMemberName("research")] Research,
    /// <summary>Anything else; say what in the outlet.</summary>
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
    public static string NameOf<T>(T value) where T : struct, Enum => Kernel.WireNames.Of(value);

    public static IReadOnlyList<string> NamesOf<T>() where T : struct, Enum => Kernel.WireNames.All<T>();

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
