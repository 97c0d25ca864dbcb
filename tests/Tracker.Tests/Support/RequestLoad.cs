using Alba;

namespace Tracker.Tests.Support;

/// <summary>Clients reading the change feed back to back until disposed: while they run, the service is never quiet,
/// so its background work (webhooks, captures) runs on the share the background budget leaves it.</summary>
public sealed class RequestLoad : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task[] _clients;
    private int _requests;

    public RequestLoad(IAlbaHost host, string token, int clients = 3) =>
        _clients = Enumerable.Range(0, clients).Select(_ => Task.Run(async () =>
        {
            while (!_stop.IsCancellationRequested)
            {
                await host.Scenario(s =>
                {
                    s.Get.Url("/api/feed?limit=1");
                    s.WithBearerToken(token);
                });
                Interlocked.Increment(ref _requests);
            }
        })).ToArray();

    public int Requests => Volatile.Read(ref _requests);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_clients);
        _stop.Dispose();
    }
}
