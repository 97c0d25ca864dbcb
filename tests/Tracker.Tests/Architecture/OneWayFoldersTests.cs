using Shouldly;
using Xunit;

namespace Tracker.Tests.Architecture;

/// <summary>
/// The product's top-level folders are to depend one way (issue 20). Dependencies are read from the compiled assembly,
/// so a reference in a method body counts as much as one in a signature; a reference that goes against the intended
/// order of folders fails here with the types that make it.
/// </summary>
public class OneWayFoldersTests
{
    private static readonly FolderDependencies Dependencies =
        FolderDependencies.Of(typeof(Tracker.Kernel.NameKey).Assembly.Location, "Tracker", "Internal");

    /// <summary>
    /// The intended order, top first: a folder may use the folders below it. Vertical slices above (the workbench, then
    /// features, each over the ones it reads), the CLI and HTTP plumbing every slice plugs into below them, then
    /// Infrastructure and Kernel. The composition root (Program, in the root namespace) wires them all.
    /// </summary>
    private static readonly string[] Layers =
    [
        "Workbench", "Health", "Export", "Import", "Following", "Sources", "Audit", "Search", "Reports", "Portfolio", "Integrity",
        "Registry", "Security", "Agreements", "Cli", "Http", "Infrastructure", "Kernel",
    ];

    /// <summary>
    /// References that go up the order today, measured when this test was written (issue 20). Most close one big cycle:
    /// the composition root still lives in Infrastructure, CLI commands in Cli, read endpoints beside the writes.
    /// This list may only shrink: a new upward reference fails, and so does an entry that no longer holds (delete it:
    /// the cut is kept). The goal is an empty list, and then no cycle can exist.
    /// </summary>
    private static readonly string[] KnownUpwardReferences =
    [
        "Agreements → Portfolio", "Agreements → Registry", "Agreements → Reports", "Cli → Agreements", "Cli → Audit",
        "Cli → Export", "Cli → Following", "Cli → Import", "Cli → Integrity", "Cli → Portfolio", "Cli → Registry",
        "Cli → Reports", "Cli → Security", "Http → Agreements", "Http → Reports", "Infrastructure → Agreements",
        "Infrastructure → Audit", "Infrastructure → Following", "Infrastructure → Http", "Infrastructure → Import",
        "Infrastructure → Integrity", "Infrastructure → Portfolio", "Infrastructure → Registry",
        "Infrastructure → Reports", "Infrastructure → Search", "Infrastructure → Security",
        "Infrastructure → Workbench"
    ];

    [Fact]
    public void every_top_level_folder_has_its_place_in_the_order()
    {
        var folders = Dependencies.Edges.Keys.Concat(Dependencies.Edges.Values.SelectMany(v => v.Keys)).Distinct();
        folders.Except(Layers).ShouldBeEmpty("a new folder of src/Tracker: place it in OneWayFoldersTests.Layers");
    }

    [Fact]
    public void no_new_reference_goes_up_the_order_of_folders()
    {
        var added = Upward().Except(KnownUpwardReferences).Order(StringComparer.Ordinal).ToList();
        // Every cycle among the folders goes up the order somewhere, so a new cycle cannot come without failing here.
        added.ShouldBeEmpty("these references go up the order of src/Tracker's folders (see Layers), which is how cycles " +
            "begin; move the type used down, or the user up:\n  " + string.Join("\n  ", added.Select(e => e + ": " + Example(e))));
    }

    [Fact]
    public void the_known_upward_references_all_still_exist()
    {
        var gone = KnownUpwardReferences.Except(Upward()).ToList();
        gone.ShouldBeEmpty("cut (remove from KnownUpwardReferences so it stays cut): " + string.Join(", ", gone));
    }

    private static IEnumerable<string> Upward() =>
        from source in Dependencies.Edges
        from to in source.Value.Keys
        let edge = $"{source.Key} → {to}"
        where Goes.Up(edge)
        select edge;

    private static class Goes
    {
        public static bool Up(string edge)
        {
            var parts = edge.Split(" → ");
            int Rank(string f) => Array.IndexOf(Layers, f) is var i and >= 0 ? i : -1;
            return Rank(parts[0]) > Rank(parts[1]) && Rank(parts[1]) >= 0;
        }
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

