using System.Diagnostics;
using JasperFx.CommandLine;
using Tracker.Infrastructure.Database;

namespace Tracker.Cli;

public class MigrateInput : TrackerInput;

[Description("Apply the committed migrations that this database has not had yet (the service also does this at start)",
    Name = "migrate")]
public class MigrateCommand : JasperFxAsyncCommand<MigrateInput>
{
    public override async Task<bool> Execute(MigrateInput input)
    {
        using var host = input.BuildHost();
        var database = host.Services.GetRequiredService<TrackerDatabase>();
        var applied = await Migrations.ApplyAsync(database.ConnectionString, Console.WriteLine);
        Console.WriteLine(applied.Count == 0 ? "The database is up to date." : $"Applied {applied.Count} migration(s).");
        return true;
    }
}

public class NewMigrationInput : TrackerInput
{
    [Description("Short name for the change, e.g. 'audit-indexes'")]
    public string Name { get; set; } = "";

    [Description("Folder holding the migration files"), FlagAlias("dir", 'd')]
    public string DirFlag { get; set; } = "migrations";
}

[Description("Write migrations/NNNN_<name>.sql: the DDL the code needs beyond the committed migrations", Name = "migrations-new")]
public class NewMigrationCommand : JasperFxAsyncCommand<NewMigrationInput>
{
    public override async Task<bool> Execute(NewMigrationInput input)
    {
        if (!OperatingSystem.IsLinux()) throw new PlatformNotSupportedException("needs the embedded PostgreSQL (Linux)");
        var dir = Path.GetFullPath(input.DirFlag);
        if (!Directory.Exists(dir))
        {
            Console.Error.WriteLine($"No folder {dir}: run from the repository root or pass --dir.");
            return false;
        }

        // A scratch database brought to the committed migrations; db-patch then writes what is still missing.
        await using var scratch = await EmbeddedPostgres.StartAsync(
            Path.Combine(Path.GetTempPath(), $"tracker-migration-{Environment.ProcessId}"), throwaway: true);
        await scratch.EnsureDatabaseAsync("scratch");
        var cs = scratch.ConnectionString("scratch");
        await Migrations.ApplyAsync(cs, Console.WriteLine);

        var work = Directory.CreateTempSubdirectory("tracker-patch").FullName;
        var parts = new List<(string Up, string Down)>();
        foreach (var (database, file) in new[] { ("marten://store/", "marten.sql"), ("wolverine://messages/main", "wolverine.sql") })
        {
            var path = Path.Combine(work, file);
            if (!await RunSelfAsync(cs, "db-patch", path, "-d", database)) return false;
            if (File.Exists(path))
                parts.Add((await File.ReadAllTextAsync(path), File.Exists(DropFile(path)) ? await File.ReadAllTextAsync(DropFile(path)) : ""));
        }

        var up = string.Join("\n", parts.Select(p => p.Up.Trim())).Trim();
        if (!up.Split('\n').Any(l => l.Trim() is { Length: > 0 } t && !t.StartsWith("--", StringComparison.Ordinal)))
        {
            Console.WriteLine("No schema changes: the committed migrations match the code.");
            return true;
        }
        var number = Directory.GetFiles(dir, "*.sql").Select(Path.GetFileName)
            .Select(n => int.TryParse(n![..4], out var i) ? i : 0).DefaultIfEmpty(0).Max() + 1;
        var target = Path.Combine(dir, $"{number:0000}_{input.Name}.sql");
        await File.WriteAllTextAsync(target, up + "\n");
        await File.WriteAllTextAsync(DropFile(target), string.Join("\n", parts.Select(p => p.Down.Trim())).Trim() + "\n");
        Console.WriteLine($"Wrote {target} (and its .drop.sql rollback). Rebuild so the service embeds it.");
        return true;
    }

    private static string DropFile(string path) => Path.ChangeExtension(path, ".drop.sql");

    private static async Task<bool> RunSelfAsync(string connectionString, params string[] args)
    {
        var psi = new ProcessStartInfo(Environment.ProcessPath!) { UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath!) == "dotnet")
            psi.ArgumentList.Add(typeof(NewMigrationCommand).Assembly.Location);
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["TRACKER_DB"] = connectionString;
        psi.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        psi.Environment["DOTNET_ENVIRONMENT"] = "Development";
        using var process = Process.Start(psi)!;
        await process.WaitForExitAsync();
        return process.ExitCode == 0;
    }
}
