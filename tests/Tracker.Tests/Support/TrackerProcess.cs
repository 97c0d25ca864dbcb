using System.Diagnostics;
using System.Net.Sockets;
using System.Text;

namespace Tracker.Tests.Support;

/// <summary>The built Tracker executable, run as a user would run it: a separate process, its own arguments and environment.</summary>
public static class TrackerProcess
{
    public static string RepositoryRoot { get; } = FindRoot();

    /// <summary>src/Tracker's own build output, in the configuration the tests were built in.</summary>
    public static string Dll { get; } = Path.Combine(RepositoryRoot, "src", "Tracker", "bin",
        new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name, "net10.0", "Tracker.dll");

    public sealed record Result(int ExitCode, string Output, string Error)
    {
        public override string ToString() => $"exit {ExitCode}\n--- stdout ---\n{Output}\n--- stderr ---\n{Error}";
    }

    public static async Task<Result> RunAsync(IDictionary<string, string?> environment, params string[] args)
    {
        using var process = Start(environment, args, runAs: null);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        // A guard against a hung verb, not a speed check: an import of 40,000 statements takes 1.5 min on two loaded cores.
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        try { await process.WaitForExitAsync(timeout.Token); }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"tracker {string.Join(' ', args)} did not finish in 5 minutes");
        }
        return new Result(process.ExitCode, await stdout, await stderr);
    }

    public static Process Start(IDictionary<string, string?> environment, string[] args, string? runAs)
    {
        var psi = new ProcessStartInfo { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        // setpriv changes user and execs in place (no intermediate process), so signals reach the service itself.
        if (runAs is not null)
        {
            psi.FileName = "setpriv";
            foreach (var a in new[] { "--reuid", runAs, "--regid", "nogroup", "--clear-groups", "dotnet" }) psi.ArgumentList.Add(a);
        }
        else
        {
            psi.FileName = "dotnet";
        }
        // Never inherit a server from the test run's own environment: the test names every database it uses.
        psi.Environment.Remove("TRACKER_DB");
        psi.Environment.Remove("TRACKER_HOME");
        // Tests contact only 127.0.0.1: sources are captured only where a test turns it on, with its own pages.
        psi.Environment["Tracker__Sources__Capture"] = "false";
        foreach (var (k, v) in environment) psi.Environment[k] = v;
        psi.ArgumentList.Add(Dll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["DOTNET_NOLOGO"] = "1";
        return Process.Start(psi)!;
    }

    /// <summary>A running service: output captured, stopped with SIGTERM like Ctrl+C or a service manager would.</summary>
    public sealed class Service : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly StringBuilder _output = new();
        public string Url { get; }
        public string Output { get { lock (_output) return _output.ToString(); } }

        public Service(IDictionary<string, string?> environment, string? runAs = null)
        {
            Url = $"http://127.0.0.1:{FreePort()}";
            _process = Start(environment, ["--urls", Url], runAs);
            _process.OutputDataReceived += (_, e) => { lock (_output) _output.AppendLine(e.Data); };
            _process.ErrorDataReceived += (_, e) => { lock (_output) _output.AppendLine(e.Data); };
            _process.BeginOutputReadLine();
            _process.BeginErrorReadLine();
        }

        public async Task<HttpResponseMessage> WaitForHealthAsync(TimeSpan timeout)
        {
            using var http = new HttpClient();
            var deadline = DateTime.UtcNow + timeout;
            while (true)
            {
                if (_process.HasExited) throw new InvalidOperationException($"Tracker exited ({_process.ExitCode}):\n{Output}");
                try
                {
                    var response = await http.GetAsync(Url + "/health");
                    if (response.IsSuccessStatusCode || DateTime.UtcNow > deadline) return response;
                }
                catch (HttpRequestException) when (DateTime.UtcNow < deadline) { }
                await Task.Delay(100);
            }
        }

        public async Task<int> StopAsync()
        {
            if (!_process.HasExited)
            {
                using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString()])!;
                await kill.WaitForExitAsync();
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
                await _process.WaitForExitAsync(timeout.Token);
            }
            return _process.ExitCode;
        }

        /// <summary>kill -9: no shutdown, nothing flushed, as a crash or the OOM killer ends it.</summary>
        public async Task KillAsync()
        {
            if (_process.HasExited) return;
            using var kill = Process.Start("kill", ["-KILL", _process.Id.ToString()])!;
            await kill.WaitForExitAsync();
            await _process.WaitForExitAsync();
        }

        public async ValueTask DisposeAsync()
        {
            try { await StopAsync(); }
            catch (OperationCanceledException) { _process.Kill(entireProcessTree: true); }
            _process.Dispose();
        }
    }

    public static async Task<int> RunShellAsync(string program, params string[] args)
    {
        using var p = Process.Start(program, args)!;
        await p.WaitForExitAsync();
        return p.ExitCode;
    }

    public static async Task<string> OwnerOfAsync(string path)
    {
        var psi = new ProcessStartInfo("stat", ["-c", "%U", path]) { RedirectStandardOutput = true };
        using var p = Process.Start(psi)!;
        var owner = await p.StandardOutput.ReadToEndAsync();
        await p.WaitForExitAsync();
        return owner.Trim();
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Tracker.sln"))) return dir.FullName;
        throw new InvalidOperationException("Tracker.sln not found above " + AppContext.BaseDirectory);
    }
}
