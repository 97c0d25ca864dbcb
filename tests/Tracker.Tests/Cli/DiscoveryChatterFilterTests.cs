using Tracker.Cli;

namespace Tracker.Tests.Cli;

public class DiscoveryChatterFilterTests
{
    [Fact]
    public void the_command_scan_announcements_are_dropped_and_everything_else_passes_through()
    {
        var output = new StringWriter();
        var filter = new DiscoveryChatterFilter(output);

        filter.Write("Searching 'JasperFx, Version=2.100.1.0, Culture=neutral, PublicKeyToken=null' \nfor commands\n");
        filter.Write("\u001b[38;5;8mSearching 'Marten, Version=9.58.0.0' for commands\u001b[0m\n");
        filter.Write("Searching is what analysts do\nall day\n");
        filter.Write("users list: no users yet\n");
        filter.Write("no newline at the end");
        filter.Flush();

        output.ToString().ShouldBe("Searching is what analysts do\nall day\nusers list: no users yet\nno newline at the end");
    }
}
