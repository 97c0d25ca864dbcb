using System.Net;
using System.Net.Sockets;

namespace Tracker.Infrastructure.Net;

/// <summary>A connection the checks refused: the host resolved only to addresses the service may not reach.</summary>
public sealed class TargetRefusedException(string message) : IOException(message);

/// <summary>
/// The connect step of every outbound HTTP client that goes to a URL a user gave (<see cref="SocketsHttpHandler.ConnectCallback"/>):
/// it resolves the host itself and connects only to an address <see cref="OutboundTargets"/> allows, so that the check
/// holds for the address actually connected to, on every connection and every redirect, whatever DNS answered before.
/// Clients using it must not use a proxy (a proxy would connect for them, to wherever it is told).
/// </summary>
public static class GuardedConnect
{
    public static Func<SocketsHttpConnectionContext, CancellationToken, ValueTask<Stream>> Callback(bool allowPrivate) =>
        (context, ct) => ConnectAsync(context.DnsEndPoint, allowPrivate, ct);

    public static async ValueTask<Stream> ConnectAsync(DnsEndPoint endpoint, bool allowPrivate, CancellationToken ct)
    {
        var addresses = IPAddress.TryParse(endpoint.Host, out var literal) ? [literal]
            : await Dns.GetHostAddressesAsync(endpoint.Host, ct);
        var allowed = allowPrivate ? addresses : addresses.Where(a => OutboundTargets.Refusal(a) is null).ToArray();
        if (allowed.Length == 0)
            throw new TargetRefusedException(addresses.Length == 0 ? $"host '{endpoint.Host}' does not resolve"
                : $"refused: {endpoint.Host} resolves to {addresses[0]}, which {OutboundTargets.Refusal(addresses[0])}");
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(allowed, endpoint.Port, ct);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>What went wrong with a request, in words: the refusal or socket error inside, when there is one.</summary>
    public static string Describe(Exception e)
    {
        for (var inner = (Exception?)e; inner is not null; inner = inner.InnerException)
            if (inner is TargetRefusedException or SocketException) return inner.Message;
        return e.Message;
    }
}
