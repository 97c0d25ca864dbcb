using JasperFx.CommandLine;
using Microsoft.Extensions.Options;
using Npgsql;
using Tracker.Cli;

namespace Tracker.Sources;

public class SourcesInput : TrackerInput
{
    [Description("recheck")]
    public string Action { get; set; } = "recheck";

    [Description("Only this agreement's statements"), FlagAlias("agreement", 'a')]
    public string? AgreementFlag { get; set; }

    [Description("Only sources last captured longer ago than this: 30d, 12h, 0d for all (default 30d)"), FlagAlias("older-than", 'o')]
    public string OlderThanFlag { get; set; } = "30d";
}

/// <summary>Fetches cited sources again now, as the scheduled recheck would, and reports those that drifted.</summary>
[Description("Fetch statements' sources again and flag drift (quote gone, page gone): " +
             "'sources recheck [--agreement A] [--older-than 30d]'; every capture is kept", Name = "sources")]
public class SourcesCommand : JasperFxAsyncCommand<SourcesInput>
{
    public SourcesCommand() => Usage("Recheck cited sources").Arguments(x => x.Action);

    public override async Task<bool> Execute(SourcesInput input)
    {
        if (!string.Equals(input.Action, "recheck", StringComparison.OrdinalIgnoreCase))
            return CliErrors.Fail($"sources: unknown action '{input.Action}'; use recheck.");
        if (ParseAge(input.OlderThanFlag) is not { } age)
            return CliErrors.Fail($"sources recheck: --older-than: '{input.OlderThanFlag}' is not an age: a number of days or hours, as 30d or 12h");
        using var host = await input.BuildHost().StartedForCommandAsync();
        var options = host.Services.GetRequiredService<IOptions<SourceOptions>>().Value;
        if (!options.Capture)
            return CliErrors.Fail("sources recheck: capture is off (Tracker:Sources:Capture=false): nothing is fetched");
        var dataSource = host.Services.GetRequiredService<NpgsqlDataSource>();
        if (input.AgreementFlag is { } a)
        {
            await using var exists = dataSource.CreateCommand($"select exists (select 1 from {Infrastructure.TrackerHost.MartenSchema}.mt_streams where id = @a)");
            exists.Parameters.AddWithValue("a", a);
            if (await exists.ExecuteScalarAsync() is not true) return CliErrors.Fail($"sources recheck: --agreement: agreement '{a}' does not exist");
        }
        var started = DateTimeOffset.UtcNow;
        var scheduled = await Recheck.ScheduleAsync(dataSource, input.AgreementFlag, age, CancellationToken.None);
        var capturer = ActivatorUtilities.CreateInstance<Capturer>(host.Services);
        await capturer.DrainAsync(CancellationToken.None);
        await using var drifted = dataSource.CreateCommand(
            $"select agreement_id, statement_id, url, drift from {SourceCaptures.DriftTable} where since >= @t and (@a::varchar is null or agreement_id = @a) order by 1, 2");
        drifted.Parameters.AddWithValue("t", started);
        drifted.Parameters.Add(new NpgsqlParameter("a", NpgsqlTypes.NpgsqlDbType.Varchar) { Value = (object?)input.AgreementFlag ?? DBNull.Value });
        var count = 0;
        await using (var reader = await drifted.ExecuteReaderAsync())
            while (await reader.ReadAsync())
            {
                Console.WriteLine($"{reader.GetString(0)}\t{reader.GetGuid(1)}\t{reader.GetString(2)}\t{reader.GetString(3)}");
                count++;
            }
        Console.Error.WriteLine($"Sources rechecked: {scheduled}; drifted: {count}.");
        return true;
    }

    public static TimeSpan? ParseAge(string text)
    {
        var t = text.Trim().ToLowerInvariant();
        if (t.Length < 2 || !int.TryParse(t[..^1], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n)) return null;
        return t[^1] switch { 'd' => TimeSpan.FromDays(n), 'h' => TimeSpan.FromHours(n), _ => null };
    }
}
