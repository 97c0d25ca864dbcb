using System.Security.Cryptography;
using System.Text;

namespace Tracker.Security;

/// <summary>A person or tool allowed to call the API. Only the token's SHA-256 is kept; the token is shown once.</summary>
public sealed class ApiUser
{
    /// <summary>The user name; it is what every event this user appends records as its author.</summary>
    public string Id { get; set; } = "";
    public string Role { get; set; } = Roles.Reader;
    public string TokenHash { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }
    /// <summary>Where the user's daily digest of what they follow is mailed (set with 'users email'); none: no digest.</summary>
    public string? Email { get; set; }

    public const string TokenPrefix = "trk_";

    public static string NewToken() =>
        TokenPrefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static string Hash(string token) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(token))).ToLowerInvariant();
}
