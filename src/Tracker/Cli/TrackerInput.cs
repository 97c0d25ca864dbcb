using JasperFx.CommandLine;

namespace Tracker.Cli;

/// <summary>
/// What every Tracker verb's input derives from: the host the verb runs in, and no framework flags. The framework's
/// own <see cref="NetCoreInput"/> adds --environment, --config, --log-level, --verbose, --contentroot,
/// --applicationname and --env-variable, but Tracker runs its verbs on a host that is already built (Program), where
/// none of them changes anything; and their one-letter forms (-a, -c, -e, -l, -v twice) collide with each other and
/// with the verbs' own. Settings are given as environment variables or in appsettings instead (see the README).
/// </summary>
public abstract class TrackerInput : IHostBuilderInput
{
    [IgnoreOnCommandLine] public IHostBuilder HostBuilder { get; set; } = null!;

    /// <summary>The application's host (already built by Program; building it again returns it).</summary>
    public IHost BuildHost() => HostBuilder.Build();
}
