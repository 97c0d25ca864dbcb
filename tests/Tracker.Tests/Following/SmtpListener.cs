using System.Net;
using System.Net.Sockets;
using System.Text;
using MimeKit;

namespace Tracker.Tests.Following;

/// <summary>
/// An SMTP server on 127.0.0.1 for a test: answers EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP and QUIT, offers no
/// extensions (so the client sends plain 7-bit mail, no TLS), and keeps each message it is given.
/// </summary>
public sealed class SmtpListener : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly List<(IReadOnlyList<string> To, MimeMessage Message)> _messages = [];
    private readonly Task _accepting;

    public SmtpListener()
    {
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public IReadOnlyList<(IReadOnlyList<string> To, MimeMessage Message)> Messages
    {
        get { lock (_messages) return [.. _messages]; }
    }

    public IReadOnlyList<MimeMessage> To(string address) =>
        Messages.Where(m => m.To.Contains(address, StringComparer.OrdinalIgnoreCase)).Select(m => m.Message).ToList();

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                _ = ServeAsync(client);
            }
        }
        catch (OperationCanceledException) { }
        catch (ObjectDisposedException) { }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using var _ = client;
        try
        {
            var stream = client.GetStream();
            using var reader = new StreamReader(stream, Encoding.Latin1);
            async Task Say(string line) => await stream.WriteAsync(Encoding.ASCII.GetBytes(line + "\r\n"), _stop.Token);
            await Say("220 127.0.0.1 test SMTP");
            var to = new List<string>();
            while (await reader.ReadLineAsync(_stop.Token) is { } line)
            {
                var verb = line.Split(' ', 2)[0].ToUpperInvariant();
                switch (verb)
                {
                    case "EHLO" or "HELO": await Say("250 127.0.0.1"); break;
                    case "MAIL": to.Clear(); await Say("250 OK"); break;
                    case "RCPT":
                        to.Add(line[(line.IndexOf('<') + 1)..line.IndexOf('>')]);
                        await Say("250 OK");
                        break;
                    case "DATA":
                        await Say("354 End data with <CR><LF>.<CR><LF>");
                        var data = new StringBuilder();
                        while (await reader.ReadLineAsync(_stop.Token) is { } d && d != ".")
                            data.Append(d.StartsWith("..", StringComparison.Ordinal) ? d[1..] : d).Append("\r\n");
                        var message = await MimeMessage.LoadAsync(new MemoryStream(Encoding.Latin1.GetBytes(data.ToString())));
                        lock (_messages) _messages.Add((to.ToList(), message));
                        await Say("250 OK: queued");
                        break;
                    case "RSET" or "NOOP": await Say("250 OK"); break;
                    case "QUIT": await Say("221 Bye"); return;
                    default: await Say("502 Command not implemented"); break;
                }
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or SocketException) { }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        _stop.Dispose();
    }
}
