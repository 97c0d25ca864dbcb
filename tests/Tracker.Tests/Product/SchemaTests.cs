using Tracker.Tests.Support;

namespace Tracker.Tests.Product;

/// <summary>The committed migrations and generated code are what the code needs: nothing missing, nothing stale.</summary>
public class SchemaTests
{
    [Fact]
    public async Task the_committed_migrations_build_exactly_the_schema_the_code_needs()
    {
        var empty = await TestCluster.NewDatabaseAsync("drift");
        var env = new Dictionary<string, string?> { ["TRACKER_DB"] = empty, ["ASPNETCORE_ENVIRONMENT"] = "Production" };

        var migrate = await TrackerProcess.RunAsync(env, "migrate");
        migrate.ExitCode.ShouldBe(0, migrate.ToString());

        // db-assert exits 1 and prints the DDL still missing when code and migrations differ:
        // run 'tracker migrations-new <name>' to write it as a new migration.
        var assert = await TrackerProcess.RunAsync(env, "db-assert");
        assert.ExitCode.ShouldBe(0, "the code's schema has drifted from migrations/*.sql; missing DDL:\n" + assert);
    }

    [Fact]
    public async Task the_committed_generated_code_is_what_codegen_writes_today()
    {
        var fresh = Directory.CreateTempSubdirectory("tracker-codegen-").FullName;
        try
        {
            var env = new Dictionary<string, string?>
            {
                ["ASPNETCORE_ENVIRONMENT"] = "Development",
                ["Tracker__GeneratedCodePath"] = fresh,
            };
            var write = await TrackerProcess.RunAsync(env, "codegen", "write");
            write.ExitCode.ShouldBe(0, write.ToString());

            var committed = Path.Combine(TrackerProcess.RepositoryRoot, "src", "Tracker", "Internal", "Generated");
            var expected = Files(fresh);
            var actual = Files(committed);
            actual.Keys.ShouldBe(expected.Keys, ignoreOrder: true,
                "run 'dotnet run --project src/Tracker -- codegen write' and commit src/Tracker/Internal/Generated");
            foreach (var (name, text) in expected)
                actual[name].ShouldBe(text, $"{name} is stale: run 'dotnet run --project src/Tracker -- codegen write'");
        }
        finally
        {
            Directory.Delete(fresh, recursive: true);
        }
    }

    private static Dictionary<string, string> Files(string root) =>
        Directory.GetFiles(root, "*.cs", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(root, f), File.ReadAllText);
}
