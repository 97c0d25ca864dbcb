using System.Net;
using System.Net.Sockets;

namespace Tracker.Infrastructure.Net;

/// <summary>
/// Where the service may connect when a user gives it a URL (a webhook target, a statement's source). Without these
/// checks, anyone allowed to name a URL could make the service reach what only it can reach (the cloud metadata
/// service at 169.254.169.254, the database, an admin port on loopback, the office network). The URL is checked when
/// given, and every connection is checked again after DNS resolution, on the very address then connected to (see
/// <see cref="GuardedConnect"/>), so a name that resolves to a public address when given and to a private one later
/// (DNS rebinding) is refused.
/// </summary>
public static class OutboundTargets
{
    public const int MaxUrlLength = 2000;

    /// <summary>Why the service may not connect to an address, or null when it may. IPv6 forms that carry an IPv4
    /// address (mapped, compatible, NAT64, 6to4) are judged by that address.</summary>
    public static string? Refusal(IPAddress address)
    {
        if (address.AddressFamily == AddressFamily.InterNetworkV6) return RefusalV6(address);
        if (address.AddressFamily != AddressFamily.InterNetwork) return "is not an IP address";
        var b = address.GetAddressBytes();
        return b switch
        {
            [0, ..] => "is in 0.0.0.0/8 (this network, unspecified)",
            [10, ..] => "is private (10.0.0.0/8)",
            [100, >= 64 and <= 127, ..] => "is shared address space (100.64.0.0/10, carrier-grade NAT)",
            [127, ..] => "is loopback (127.0.0.0/8)",
            [169, 254, ..] => "is link-local (169.254.0.0/16, where cloud metadata services answer)",
            [172, >= 16 and <= 31, ..] => "is private (172.16.0.0/12)",
            [192, 0, 0, _] => "is reserved for protocol assignments (192.0.0.0/24)",
            [192, 0, 2, _] or [198, 51, 100, _] or [203, 0, 113, _] => "is reserved for documentation",
            [192, 88, 99, _] => "is the 6to4 relay anycast range (192.88.99.0/24)",
            [192, 168, ..] => "is private (192.168.0.0/16)",
            [198, 18 or 19, ..] => "is reserved for benchmarking (198.18.0.0/15)",
            [>= 224 and <= 239, ..] => "is multicast (224.0.0.0/4)",
            [>= 240, ..] => "is reserved (240.0.0.0/4, broadcast)",
            _ => null,
        };
    }

    private static string? RefusalV6(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6) return Embedded(address.MapToIPv4(), "IPv4-mapped");
        var b = address.GetAddressBytes();
        if (address.Equals(IPAddress.IPv6None)) return "is unspecified (::)";
        if (address.Equals(IPAddress.IPv6Loopback)) return "is loopback (::1)";
        // ::/96, the deprecated IPv4-compatible form: ::a.b.c.d
        if (b.AsSpan(0, 12).IndexOfAnyExcept((byte)0) < 0) return Embedded(new IPAddress(b.AsSpan(12, 4)), "IPv4-compatible");
        // 64:ff9b::/96, NAT64: the gateway connects to the IPv4 address inside.
        if (b is [0x00, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0, ..]) return Embedded(new IPAddress(b.AsSpan(12, 4)), "NAT64");
        if (b is [0x00, 0x64, 0xff, 0x9b, 0x00, 0x01, ..]) return "is local-use NAT64 (64:ff9b:1::/48)";
        // 2002::/16, 6to4: the IPv4 address is in bytes 2–5.
        if (b is [0x20, 0x02, ..]) return Embedded(new IPAddress(b.AsSpan(2, 4)), "6to4");
        if (b is [0x20, 0x01, 0x00, 0x00, ..]) return "is Teredo (2001::/32), which tunnels to an address it does not show";
        if (b is [0x20, 0x01, 0x0d, 0xb8, ..]) return "is reserved for documentation (2001:db8::/32)";
        if (b is [0x01, 0x00, 0, 0, 0, 0, 0, 0, ..]) return "is the discard prefix (100::/64)";
        if ((b[0] & 0xfe) == 0xfc) return "is unique-local (fc00::/7, private)";
        if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80) return "is link-local (fe80::/10)";
        if (b[0] == 0xfe && (b[1] & 0xc0) == 0xc0) return "is site-local (fec0::/10, private)";
        if (b[0] == 0xff) return "is multicast (ff00::/8)";
        return null;
    }

    private static string? Embedded(IPAddress v4, string form) =>
        Refusal(v4) is { } why ? $"is {form} IPv6 for {v4}, which {why}" : null;

    /// <summary>
    /// What <see cref="CheckAsync"/> refuses by the URL's text alone (scheme, user info, fragment, port), before any
    /// name is looked up: the same URL and settings give the same answer, without I/O.
    /// </summary>
    public static string? RuleRefusal(string? text, IReadOnlyList<int>? ports = null)
    {
        if (string.IsNullOrWhiteSpace(text)) return "is required";
        if (text.Length > MaxUrlLength) return $"is longer than {MaxUrlLength} characters";
        if (!Uri.TryCreate(text.Trim(), UriKind.Absolute, out var uri)) return "is not an absolute URL";
        if (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
            return $"must be an http or https URL, not {uri.Scheme}";
        if (uri.UserInfo.Length > 0) return "must not carry a user name or password (they would be sent in the clear in logs)";
        if (uri.Fragment.Length > 0) return "must not have a fragment (#…): it is never sent";
        if (ports is not null && !ports.Contains(uri.Port))
            return $"uses port {uri.Port}; only {string.Join(" and ", ports)} are allowed (Tracker:Sources:AllowedPorts)";
        return null;
    }

    /// <summary>Why the service may not connect to a URL (naming what is wrong), or null when it may. Resolves the host
    /// name: every address it resolves to must be allowed, unless <paramref name="allowPrivate"/>; the port must be one
    /// of <paramref name="ports"/> when they are given.</summary>
    public static async Task<string?> CheckAsync(string? text, bool allowPrivate, CancellationToken ct,
        IReadOnlyList<int>? ports = null)
    {
        if (RuleRefusal(text, ports) is { } refused) return refused;
        var uri = new Uri(text!.Trim(), UriKind.Absolute);
        var host = uri.IdnHost;
        IPAddress[] addresses;
        if (IPAddress.TryParse(host, out var literal)) addresses = [literal];
        else
        {
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
                timeout.CancelAfter(TimeSpan.FromSeconds(5));
                addresses = await Dns.GetHostAddressesAsync(host, timeout.Token);
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException && !ct.IsCancellationRequested)
            {
                return $"names host '{host}', which does not resolve";
            }
            if (addresses.Length == 0) return $"names host '{host}', which does not resolve";
        }
        if (allowPrivate) return null;
        foreach (var address in addresses)
            if (Refusal(address) is { } why)
                return $"is refused: {(literal is null ? $"host '{host}' resolves to {address}, which" : $"{address}")} {why}";
        return null;
    }
}
