using System.Text;
using Tracker.Tests.Support;

namespace Tracker.Tests.Import;

/// <summary>An analyst keeps statements in a spreadsheet and imports the sheet saved as CSV.</summary>
public class CsvImportTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("tracker-csv-").FullName;

    private static Task<TrackerProcess.Result> Tracker(string database, params string[] args) =>
        TrackerProcess.RunAsync(new Dictionary<string, string?> { ["TRACKER_DB"] = database }, args);

    private string File(string name, string text, bool byteOrderMark = false)
    {
        var path = Path.Combine(_dir, name);
        System.IO.File.WriteAllText(path, text, new UTF8Encoding(byteOrderMark));
        return path;
    }

    private string Agreement() => File("agreement.jsonl", """
        {"type":"open-agreement","agreementId":"csv-de-ua","title":"German support","parties":["DEU","UKR"]}
        {"type":"add-commitment","agreementId":"csv-de-ua","commitmentId":"iris-t","title":"IRIS-T SLM","category":"air-defence"}
        """);

    [Fact]
    public async Task a_sheet_saved_with_semicolons_by_a_german_spreadsheet_imports_like_a_comma_one()
    {
        var database = await TestCluster.NewDatabaseAsync("csv_semicolon");
        // As Excel in German settings saves "CSV UTF-8": semicolons, a byte-order mark, CRLF, a decimal comma.
        var sheet = File("statements.csv", string.Join("\r\n",
            "agreement_id;said_on;speaker_name;speaker_actor;quote;language;source_outlet;source_kind;commitment_id;stage;quantity_amount;quantity_unit",
            "csv-de-ua;2025-06-05;Boris Pistorius;DEU;\"Wir liefern; und zwar bald.\";de;BMVg;official-statement;iris-t;announced;2,5;systems",
            ""), byteOrderMark: true);

        var run = await Tracker(database, "import", Agreement(), sheet);

        run.ExitCode.ShouldBe(0, run.ToString());
        run.Output.ShouldContain("appended 3 events");
        var export = await Tracker(database, "export", "--agreement", "csv-de-ua");
        export.ExitCode.ShouldBe(0, export.ToString());
        export.Output.ShouldContain("\"quote\":\"Wir liefern; und zwar bald.\"");
        export.Output.ShouldContain("\"quantity\":{\"amount\":2.5,\"unit\":\"systems\"}");
    }

    [Fact]
    public async Task errors_in_a_sheet_name_the_column_and_the_line_not_the_apis_field_path()
    {
        var database = await TestCluster.NewDatabaseAsync("csv_columns");
        var sheet = File("statements.csv", string.Join("\n",
            "agreement_id,said_on,speaker_name,quote,language,source_outlet,source_kind,commitment_id,stage",
            "csv-de-ua,2025-06-05,Boris Pistorius,Wir liefern.,de,BMVg,official-statement,iris-t,announced",
            "csv-de-ua,2025-06-06,Boris Pistorius,Wir liefern.,de,BMVg,press-thing,iris-t,delivered",
            ""));

        var run = await Tracker(database, "import", Agreement(), sheet);

        run.ExitCode.ShouldNotBe(0, run.ToString());
        run.Error.ShouldContain("statements.csv:3:stage: 'delivered' is not one of:");
        run.Error.ShouldContain("statements.csv:3:source_kind: 'press-thing' is not one of:");
        run.Error.ShouldNotContain("assertions[0]");
        run.Error.ShouldContain("nothing was imported");
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
