using System.Text;
using Tracker.Import;

namespace Tracker.Tests.Import;

/// <summary>An import error must point at the line an analyst has to fix, however far into a large file it is.</summary>
public class StrictUtf8LineReaderTests
{
    private static async Task<List<string>> ReadAll(byte[] bytes)
    {
        using var reader = new StrictUtf8LineReader(new MemoryStream(bytes));
        var lines = new List<string>();
        while (true)
        {
            try
            {
                if (await reader.ReadLineAsync(CancellationToken.None) is not { } line) return lines;
                lines.Add(line);
            }
            catch (DecoderFallbackException)
            {
                lines.Add("<bad>");
            }
        }
    }

    [Fact]
    public async Task bad_bytes_are_blamed_on_their_own_line_even_far_past_the_first_buffer_and_reading_goes_on()
    {
        var text = new StringBuilder();
        for (var i = 1; i < 5000; i++) text.Append($"{{\"line\":{i},\"quote\":\"Darüber hinaus vereinbarten die Seiten\"}}\n");
        byte[] bytes = [.. Encoding.UTF8.GetBytes(text.ToString()), .. "{\"quote\":\"Kyiv "u8, 0xC3, 0x28, .. "\"}\n"u8, .. "last"u8];

        var lines = await ReadAll(bytes);

        lines.Count.ShouldBe(5001);
        lines[4998].ShouldContain("\"line\":4999");
        lines[4999].ShouldBe("<bad>");
        lines[5000].ShouldBe("last");
    }

    [Fact]
    public async Task a_byte_order_mark_and_windows_line_ends_are_not_part_of_the_text()
    {
        var lines = await ReadAll([0xEF, 0xBB, 0xBF, .. "agreement_id,said_on\r\nua-fr,2025-06\r\n"u8]);

        lines.ShouldBe(["agreement_id,said_on", "ua-fr,2025-06"]);
    }
}
