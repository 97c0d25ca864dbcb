using Shouldly;
using Xunit;

namespace Tracker.Tests.Architecture;

/// <summary>
/// The product's top-level folders are to depend one way (issue 20). Dependencies are read from the compiled assembly,
/// so a reference in a method body counts as much as one in a signature; a reference that closes a cycle fails here
/// with the types that make it.
/// </summary>
public class OneWayFoldersTests
{
    private static readonly FolderDependencies Dependencies =
        FolderDependencies.Of(typeof(Tracker.Kernel.NameKey).Assembly.Location, "Tracker", "Internal");

    /// <summary>
    /// The references that close cycles today, measured when this test was written (issue 20): most of the folders form
    /// one cycle, through the composition root living in Infrastructure, CLI commands kept in Cli, and endpoints beside
    /// the reads they call. This list may only shrink: a reference that closes a new cycle fails, and so does an entry
    /// that no longer holds (delete it: the cut is kept). The goal is an empty list.
    /// </summary>
    private static readonly string[] KnownBackEdges =
    [
        "Agreements → Cli", "Agreements → Http", "Agreements → Kernel", "Agreements → Portfolio",
        "Agreements → Registry", "Agreements → Reports", "Audit → Agreements", "Audit → Http", "Audit → Kernel",
        "Audit → Registry", "Cli → Agreements", "Cli → Audit", "Cli → Export", "Cli → Following", "Cli → Http",
        "Cli → Import", "Cli → Infrastructure", "Cli → Integrity", "Cli → Kernel", "Cli → Portfolio", "Cli → Registry",
        "Cli → Reports", "Cli → Security", "Export → Agreements", "Export → Import", "Export → Integrity",
        "Export → Registry", "Following → Agreements", "Following → Http", "Following → Kernel",
        "Following → Portfolio", "Following → Reports", "Following → Security", "Http → Agreements", "Http → Kernel",
        "Http → Reports", "Import → Agreements", "Import → Http", "Import → Kernel", "Import → Portfolio",
        "Import → Registry", "Infrastructure → Agreements", "Infrastructure → Audit", "Infrastructure → Following",
        "Infrastructure → Http", "Infrastructure → Import", "Infrastructure → Integrity", "Infrastructure → Kernel",
        "Infrastructure → Portfolio", "Infrastructure → Registry", "Infrastructure → Reports",
        "Infrastructure → Search", "Infrastructure → Security", "Infrastructure → Workbench",
        "Integrity → Infrastructure", "Integrity → Kernel", "Kernel → Agreements", "Portfolio → Agreements",
        "Portfolio → Following", "Portfolio → Http", "Portfolio → Kernel", "Portfolio → Registry",
        "Portfolio → Reports", "Registry → Agreements", "Registry → Cli", "Registry → Http", "Registry → Import",
        "Registry → Kernel", "Reports → Agreements", "Reports → Http", "Reports → Kernel", "Reports → Portfolio",
        "Reports → Registry", "Search → Agreements", "Search → Http", "Search → Kernel", "Security → Agreements",
        "Security → Http", "Security → Kernel", "Workbench → Agreements", "Workbench → Audit", "Workbench → Following",
        "Workbench → Http", "Workbench → Kernel", "Workbench → Portfolio", "Workbench → Registry",
        "Workbench → Reports", "Workbench → Search", "Workbench → Security"
    ];

    [Fact]
    public void no_reference_closes_a_new_cycle_among_the_top_level_folders()
    {
        var onCycles = Dependencies.EdgesOnCycles();
        var added = onCycles.Except(KnownBackEdges).Order(StringComparer.Ordinal).ToList();
        added.ShouldBeEmpty("these references close a dependency cycle among the folders of src/Tracker; cut them:\n  " +
            string.Join("\n  ", added.Select(e => e + ": " + Example(e))));
    }

    [Fact]
    public void the_list_of_known_cycles_holds_only_references_that_still_exist()
    {
        var gone = KnownBackEdges.Except(Dependencies.EdgesOnCycles()).ToList();
        gone.ShouldBeEmpty("no longer on a cycle (a cut: remove from KnownBackEdges so it stays cut): " + string.Join(", ", gone));
    }

    private static string Example(string edge)
    {
        var parts = edge.Split(" → ");
        return Dependencies.Edges[parts[0]][parts[1]];
    }

    [Fact]
    public void the_cycle_finder_reports_each_cycle_with_the_references_that_close_it()
    {
        var graph = FolderDependencies.FromEdges("Http→Reports", "Reports→Portfolio", "Portfolio→Http", "Portfolio→Kernel",
            "Audit→Security", "Security→Audit", "Workbench→Http");
        var cycles = graph.Cycles();
        cycles.Count.ShouldBe(2);
        cycles.ShouldContain(c => c.SequenceEqual(new[] { "Http", "Portfolio", "Reports" }));
        cycles.ShouldContain(c => c.SequenceEqual(new[] { "Audit", "Security" }));
        graph.Explain(cycles.Single(c => c.Contains("Http"))).ShouldBe(
            ["Http → Reports: Http uses Reports", "Portfolio → Http: Portfolio uses Http", "Reports → Portfolio: Reports uses Portfolio"],
            ignoreOrder: true);
        FolderDependencies.FromEdges("Http→Reports", "Reports→Kernel").Cycles().ShouldBeEmpty();
    }
}
