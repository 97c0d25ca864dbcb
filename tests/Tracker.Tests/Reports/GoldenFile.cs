using System.Text;
using Tracker.Tests.Support;

namespace Tracker.Tests.Reports;

/// <summary>
/// Compares output with a committed file under tests/Tracker.Tests/Reports/Golden, byte for byte (a CSV's byte-order
/// mark and CRLF line ends included). Run the tests with UPDATE_GOLDEN=1 to write the files instead, then read the
/// diff before committing it: a golden file is only as good as the review it got.
/// </summary>
public static class GoldenFile
{
    public static string Folder => Path.Combine(TrackerProcess.RepositoryRoot, "tests", "Tracker.Tests", "Reports", "Golden");

    private static bool Updating => Environment.GetEnvironmentVariable("UPDATE_GOLDEN") == "1";

    public static void ShouldMatch(byte[] actual, string name)
    {
        var path = Path.Combine(Folder, name);
        if (Updating)
        {
            Directory.CreateDirectory(Folder);
            File.WriteAllBytes(path, actual);
            return;
        }
        File.Exists(path).ShouldBeTrue($"{path} is missing: run the tests with UPDATE_GOLDEN=1, review the file, commit it");
        // Decoded without stripping a byte-order mark, so a lost or extra mark fails too; as text, so a failure shows a diff.
        Encoding.UTF8.GetString(actual).ShouldBe(Encoding.UTF8.GetString(File.ReadAllBytes(path)),
            $"{name} differs from the golden file; if the change is intended, run with UPDATE_GOLDEN=1 and review the diff");
    }
}
