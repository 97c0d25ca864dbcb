using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;

namespace Tracker.Following.Webhooks;

/// <summary>
/// Signing secrets: <c>whsec_</c> + base64 of 32 random bytes (the Standard Webhooks form). The service must keep the
/// secret itself to sign with (unlike the API tokens, of which only a hash is kept), so it is stored protected by the
/// service's Data Protection keys: a copy of the subscriptions table alone does not give the secrets away, and an
/// operator who encrypts those keys (<c>DataProtectionKeys</c>) protects the secrets with them.
/// </summary>
public sealed class WebhookSecrets(IDataProtectionProvider provider)
{
    public const string Prefix = "whsec_";
    private readonly IDataProtector _protector = provider.CreateProtector("Tracker.Following.Webhooks.Secret");

    public static string New() => Prefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    public string Protect(string secret) => _protector.Protect(secret);

    public string Unprotect(string stored) => _protector.Unprotect(stored);
}
