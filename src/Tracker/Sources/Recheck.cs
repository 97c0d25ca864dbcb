using Microsoft.Extensions.Options;
using Npgsql;

namespace Tracker.Sources;

/// <summary>
/// Fetching sources again to see whether they drifted: a job of the next round for each statement whose latest capture
/// (of its current URL) is older than a given age, or that was never captured, optionally within one agreement.
/// The jobs are rows like the first captures', so a recheck survives a restart and runs once per round.
/// </summary>
public static class Recheck
{
    public static async Task<int> ScheduleAsync(NpgsqlDataSource dataSource, string? agreementId, TimeSpan olderThan, CancellationToken ct)
    {
        // The statements' current URLs come from the search index (one row per statement, its current reading).
        await using var cmd = dataSource.CreateCommand($"""
            insert into {CaptureDispatcher.Jobs} (agreement_id, statement_id, url, round, created_at, next_attempt_at)
            select q.agreement_id, q.statement_id, q.url, coalesce(last.round + 1, 0), now(), now()
            from {Infrastructure.TrackerHost.MartenSchema}.statement_search q
            left join lateral (select c.round, c.fetched_at from {SourceCaptures.Table} c
                               where c.agreement_id = q.agreement_id and c.statement_id = q.statement_id and c.url = q.url
                               order by c.id desc limit 1) last on true
            where q.url is not null and q.counted and not q.retracted and (@a::varchar is null or q.agreement_id = @a)
              and (last.fetched_at is null or last.fetched_at < now() - @age)
              and not exists (select 1 from {CaptureDispatcher.Jobs} j where j.agreement_id = q.agreement_id
                              and j.statement_id = q.statement_id and j.url = q.url and j.done_at is null)
            on conflict (agreement_id, statement_id, url, round) do nothing
            """);
        cmd.Parameters.Add(new NpgsqlParameter("a", NpgsqlTypes.NpgsqlDbType.Varchar) { Value = (object?)agreementId ?? DBNull.Value });
        cmd.Parameters.AddWithValue("age", olderThan);
        return await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Waits until no capture job is left undone (or the timeout): what the verb waits for before it reports.</summary>
    public static async Task<bool> WaitAsync(NpgsqlDataSource dataSource, TimeSpan timeout, CancellationToken ct)
    {
        var until = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < until)
        {
            await using var cmd = dataSource.CreateCommand($"select not exists (select 1 from {CaptureDispatcher.Jobs} where done_at is null)");
            if (await cmd.ExecuteScalarAsync(ct) is true) return true;
            await Task.Delay(200, ct);
        }
        return false;
    }
}

/// <summary>The scheduled recheck: every hour, the sources whose last capture is older than
/// <see cref="SourceOptions.RecheckDays"/> get a recheck job (many instances: the jobs' key keeps a round once).</summary>
public sealed class RecheckSchedule(NpgsqlDataSource dataSource, IOptions<SourceOptions> options, CaptureWake wake,
    ILogger<RecheckSchedule> logger) : BackgroundService
{
    public static readonly TimeSpan Every = TimeSpan.FromHours(1);

    protected override async Task ExecuteAsync(CancellationToken stopping)
    {
        if (options.Value.RecheckDays <= 0) return;
        while (!stopping.IsCancellationRequested)
        {
            try { await Task.Delay(Every, stopping); }
            catch (OperationCanceledException) { return; }
            try
            {
                if (await Recheck.ScheduleAsync(dataSource, null, TimeSpan.FromDays(options.Value.RecheckDays), stopping) > 0) wake.Wake();
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested) { return; }
            catch (Exception e)
            {
                logger.LogWarning(e, "Scheduling source rechecks failed: {Message}", e.Message);
            }
        }
    }
}
