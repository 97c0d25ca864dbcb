using System.Text.Json.Serialization;

namespace Tracker.Registry;

/// <summary>What an actor is. Former states are states that no longer exist (ISO 3166-3): DDR, SUN, YUG.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ActorKind>))]
public enum ActorKind
{
    [JsonStringEnumMemberName("state")] State,
    [JsonStringEnumMemberName("former-state")] FormerState,
    /// <summary>International organisations and groupings (EU, NATO, the Ramstein group).</summary>
    [JsonStringEnumMemberName("organisation")] Organisation,
    /// <summary>Companies: defence industry (Renault, Rheinmetall, KNDS, Baykar) and others.</summary>
    [JsonStringEnumMemberName("company")] Company,
    [JsonStringEnumMemberName("armed-group")] ArmedGroup,
    [JsonStringEnumMemberName("other")] Other,
}
