using Tracker.Agreements;
using Tracker.Import;

namespace Tracker.Tests.Import;

/// <summary>Re-importing a file that someone has re-saved, re-indented or re-ordered must not record its statements twice.</summary>
public class ImportKeyTests
{
    private static Guid KeyOf(string line) =>
        ImportReader.ParseJsonLine("f.jsonl", 1, line).Command.ShouldBeOfType<RecordStatement>().StatementId;

    private const string Line = """{"type":"record-statement","agreementId":"a","saidOn":"2025-06","speaker":{"name":"Rustem Umerov"},"quote":"Wir prüfen das.","language":"de","source":{"outlet":"O","kind":"other"},"assertions":[{"commitmentId":"c","stage":"raised"}]}""";

    [Fact]
    public void a_statement_without_an_id_gets_the_same_key_however_its_line_is_spelt()
    {
        var respelt = """{ "agreementId": "a", "type": "record-statement", "quote": "Wir pr\u00fcfen das.", "saidOn": "2025-06", "speaker": { "name": "Rustem Umerov" }, "language": "de", "source": { "kind": "other", "outlet": "O" }, "assertions": [ { "stage": "raised", "commitmentId": "c" } ] }""";

        KeyOf(respelt).ShouldBe(KeyOf(Line));
        KeyOf(Line.Replace("Wir prüfen das.", "Wir prüfen das nicht.")).ShouldNotBe(KeyOf(Line));
    }
}
