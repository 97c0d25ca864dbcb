using Npgsql;
using Tracker.Agreements.Storage;
using SessionOptions = Marten.Services.SessionOptions;

namespace Tracker.Sources;

public sealed partial class Capturer
{
    /// <summary>At most this many captures refused by their URL's text are recorded in one transaction.</summary>
    internal const int RefusalBatch = 32;

    /// <summary>
    /// A job whose URL its text alone refuses (a scheme, user info or port the rules exclude) needs no fetch, no statement
    /// and no earlier capture: its <see cref="SourceCaptured"/> is the refusal, the same event a fetch would have
    /// recorded. So the due jobs claimed with it that are refused likewise are recorded together (issue 20): one
    /// transaction, one commit and one turn of the chain for up to <see cref="RefusalBatch"/> captures, where each
    /// took its own (an offline installation, or a benchmark citing a refused URL, appends one per statement). Jobs
    /// claimed with them that need a fetch are handed back at once, due as before.
    /// </summary>
    private async Task RecordRefusalsAsync(Job first, Fetched refused, TimeSpan lease, CancellationToken ct)
    {
        var batch = new List<(Job Job, Fetched Fetched)> { (first, refused) };
        var giveBack = new List<long>();
        foreach (var job in await ClaimAsync(lease, RefusalBatch - 1, ct))
            if (fetcher.RefusedByRule(job.Url) is { } also && DocumentCitation.Parse(job.Url) is null) batch.Add((job, also));
            else giveBack.Add(job.Id);
        if (giveBack.Count > 0)
        {
            await using var back = dataSource.CreateCommand($"""
                update {CaptureDispatcher.Jobs} set attempts = attempts - 1, next_attempt_at = now()
                where id = any(@ids) and done_at is null
                """);
            back.Parameters.AddWithValue("ids", giveBack.ToArray());
            await back.ExecuteNonQueryAsync(ct);
        }

        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        // Each sources stream's own turn, in one order, so that two batches never wait on each other crosswise.
        var streams = batch.Select(b => SourceLog.StreamKey(b.Job.AgreementId)).Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal).ToList();
        await using (var turns = new NpgsqlBatch(conn, tx))
        {
            foreach (var stream in streams) turns.BatchCommands.Add(Turns.Command(stream));
            await turns.ExecuteNonQueryAsync(ct);
        }
        var open = new HashSet<long>();
        await using (var still = new NpgsqlCommand($"""
            select id from {CaptureDispatcher.Jobs} where id = any(@ids) and done_at is null order by id for update
            """, conn, tx))
        {
            still.Parameters.AddWithValue("ids", batch.Select(b => b.Job.Id).ToArray());
            await using var reader = await still.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct)) open.Add(reader.GetInt64(0));
        }
        batch.RemoveAll(b => !open.Contains(b.Job.Id)); // another capturer finished them after our lease ended
        if (batch.Count == 0) return;

        var existing = new HashSet<string>(StringComparer.Ordinal);
        await using (var known = new NpgsqlCommand($"select id from {Infrastructure.TrackerHost.MartenSchema}.mt_streams where id = any(@ids)",
                         conn, tx))
        {
            known.Parameters.AddWithValue("ids", streams.ToArray());
            await using var reader = await known.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct)) existing.Add(reader.GetString(0));
        }

        var now = DateTimeOffset.UtcNow;
        await using var session = store.LightweightSession(SessionOptions.ForTransaction(tx));
        session.LastModifiedBy = SourceCapturer.User;
        var appended = new List<(Job Job, SourceCaptured Captured, JasperFx.Events.IEvent Event)>();
        foreach (var perStream in batch.GroupBy(b => SourceLog.StreamKey(b.Job.AgreementId), StringComparer.Ordinal))
        {
            var captures = perStream.Select(b => (b.Job, Captured: new SourceCaptured(b.Job.AgreementId, b.Job.StatementId, b.Job.Url,
                b.Job.Round, now, b.Fetched.FinalUrl, b.Fetched.Status, b.Fetched.ContentType, null, null, null, QuoteState.NotCaptured,
                null, b.Fetched.Refusal, null))).ToList();
            var action = existing.Contains(perStream.Key)
                ? session.Events.Append(perStream.Key, captures.Select(c => (object)c.Captured).ToArray())
                : session.Events.StartStream<SourceLog>(perStream.Key, captures.Select(c => (object)c.Captured).ToArray());
            for (var i = 0; i < captures.Count; i++)
            {
                // Each capture keeps the correlation id it has alone: its job's.
                action.Events[i].CorrelationId = $"capture-{captures[i].Job.Id}";
                appended.Add((captures[i].Job, captures[i].Captured, action.Events[i]));
            }
        }
        await session.SaveChangesAsync(ct);
        foreach (var (_, captured, e) in appended) await SourceCaptures.InsertAsync(conn, tx, captured, e.Sequence, ct);
        await using (var done = new NpgsqlCommand($"""
            update {CaptureDispatcher.Jobs} j set done_at = now(), last_error = r.e
            from unnest(@ids::bigint[], @errors::text[]) as r(id, e) where j.id = r.id
            """, conn, tx))
        {
            done.Parameters.AddWithValue("ids", appended.Select(a => a.Job.Id).ToArray());
            done.Parameters.AddWithValue("errors", appended.Select(a => a.Captured.Refusal).ToArray());
            await done.ExecuteNonQueryAsync(ct);
        }
        await tx.CommitAsync(ct);
    }
}
