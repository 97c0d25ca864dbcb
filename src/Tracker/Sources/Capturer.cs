using Marten;
using Microsoft.Extensions.Options;
using Npgsql;
using Tracker.Agreements;
using Tracker.Agreements.Storage;
using Tracker.Infrastructure.Background;
using SessionOptions = Marten.Services.SessionOptions;

namespace Tracker.Sources;

/// <summary>
/// Runs capture jobs. Each capturer claims one due job at a time in a short transaction (<c>FOR UPDATE SKIP LOCKED</c>;
/// the claim moves its due time to the end of a lease), fetches and extracts outside any transaction, then records the
/// capture in one transaction: the bytes, the <see cref="SourceCaptured"/> event on the agreement's sources stream, the
/// capture's row, the drift flag and the job marked done. A capturer that dies mid-fetch leaves the job to come due
/// again when its lease ends; one that dies after the commit leaves nothing to do. A fetch that is refused or fails is
/// itself the capture's result (recorded, with its reason); only our own trouble (the database away) is retried.
/// </summary>
public sealed partial class Capturer(BackgroundDataSource background, BackgroundBudget budget, IDocumentStore store, IOptions<SourceOptions> options,
    SourceFetcher fetcher, CaptureWake wake, ILogger<Capturer> logger) : BackgroundService
{
    private readonly NpgsqlDataSource dataSource = background.DataSource;
    private sealed record Job(long Id, string AgreementId, Guid StatementId, string Url, int Round, int Attempt);

    protected override Task ExecuteAsync(CancellationToken stopping) =>
        Task.WhenAll(Enumerable.Range(0, Math.Max(1, options.Value.Parallelism)).Select(_ => Task.Run(() => LoopAsync(stopping))));

    /// <summary>Runs due jobs here until none is left (the recheck verb, which starts no background service); answers how many.</summary>
    public async Task<int> DrainAsync(CancellationToken ct)
    {
        var count = 0;
        while (await ClaimAsync(options.Value.Lease, ct) is { } job)
        {
            await RunAsync(job, ct);
            count++;
        }
        return count;
    }

    private async Task LoopAsync(CancellationToken stopping)
    {
        var o = options.Value;
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                if (await ClaimAsync(o.Lease, stopping) is { } job)
                {
                    // A capture (fetch, extraction, its event) is one unit of the background budget: while requests
                    // are served it waits its turn (seconds at most, well within the lease). Looking for a job is not
                    // one: idle capturers would spend the budget the work needs.
                    using (await budget.EnterAsync(stopping))
                        if (fetcher.RefusedByRule(job.Url) is { } refused && DocumentCitation.Parse(job.Url) is null)
                            await RecordRefusalsAsync(job, refused, o.Lease, stopping);
                        else await RunAsync(job, stopping);
                    continue;
                }
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested) { return; }
            catch (Exception e)
            {
                logger.LogWarning(e, "Capturing sources failed, retrying: {Message}", e.Message);
                try { await Task.Delay(TimeSpan.FromSeconds(1), stopping); }
                catch (OperationCanceledException) { return; }
            }
            try { await wake.WaitAsync(o.PollInterval, stopping); }
            catch (OperationCanceledException) { return; }
        }
    }

    private async Task<Job?> ClaimAsync(TimeSpan lease, CancellationToken ct) =>
        (await ClaimAsync(lease, 1, ct)) is [var job] ? job : null;

    private async Task<List<Job>> ClaimAsync(TimeSpan lease, int limit, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand($"""
            with due as (
                select id from {CaptureDispatcher.Jobs}
                where done_at is null and next_attempt_at <= now()
                order by next_attempt_at, id limit @limit
                for update skip locked)
            update {CaptureDispatcher.Jobs} j set attempts = j.attempts + 1, next_attempt_at = now() + @lease
            from due where j.id = due.id
            returning j.id, j.agreement_id, j.statement_id, j.url, j.round, j.attempts
            """);
        cmd.Parameters.AddWithValue("lease", lease);
        cmd.Parameters.AddWithValue("limit", limit);
        var jobs = new List<Job>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            jobs.Add(new Job(reader.GetInt64(0), reader.GetString(1), reader.GetGuid(2), reader.GetString(3), reader.GetInt32(4), reader.GetInt32(5)));
        return jobs;
    }

    private async Task RunAsync(Job job, CancellationToken ct)
    {
        try
        {
            await using var query = store.QuerySession();
            var statement = await query.LoadAsync<StatementEntry>(StatementEntry.KeyOf(job.AgreementId, job.StatementId), ct);
            if (DocumentCitation.Parse(job.Url) is { } documentId)
            {
                // A cited document is not fetched: its bytes and text were stored when it was attached.
                var document = await DocumentCitation.LoadAsync(dataSource, job.AgreementId, documentId, ct);
                await RecordAsync(job, statement?.Current, document?.Fetched
                    ?? Fetched.Refused($"document {documentId} is not attached to agreement '{job.AgreementId}'"), document?.Text, ct, document);
                return;
            }
            var fetched = await fetcher.FetchAsync(job.Url, ct);
            var text = fetched.Bytes is { } bytes ? TextExtraction.Extract(bytes, fetched.ContentType, fetched.FinalUrl) : null;
            await RecordAsync(job, statement?.Current, fetched, text, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { throw; }
        catch (Exception e)
        {
            // Our own trouble: the job comes due again after its lease, until its attempts are spent.
            logger.LogWarning(e, "Capture {Id} of {Url} failed (attempt {Attempt}): {Message}", job.Id, job.Url, job.Attempt, e.Message);
            if (job.Attempt >= options.Value.MaxAttempts)
            {
                await using var give = dataSource.CreateCommand($"update {CaptureDispatcher.Jobs} set done_at = now(), last_error = @e where id = @id");
                give.Parameters.AddWithValue("e", e.Message);
                give.Parameters.AddWithValue("id", job.Id);
                await give.ExecuteNonQueryAsync(CancellationToken.None);
            }
        }
    }

    private async Task RecordAsync(Job job, StatementContent? statement, Fetched fetched, string? text, CancellationToken ct,
        DocumentCitation.Stored? document = null)
    {
        var streamKey = SourceLog.StreamKey(job.AgreementId);
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        // The sources stream's own turn: captures of one agreement queue behind each other, never behind analysts.
        await Turns.TakeAsync(conn, tx, streamKey, ct);
        await using (var still = new NpgsqlCommand($"select done_at is null from {CaptureDispatcher.Jobs} where id = @id for update", conn, tx))
        {
            still.Parameters.AddWithValue("id", job.Id);
            if (await still.ExecuteScalarAsync(ct) is not true) return; // another capturer finished it after our lease ended
        }
        var sha = document?.Sha256;
        if (document is null && fetched.Bytes is { } bytes)
            sha = await SourceBlobs.PutAsync(conn, tx, bytes, fetched.ContentType ?? "application/octet-stream", text, ct);
        var previous = await PreviousAsync(conn, tx, job, ct);
        var now = DateTimeOffset.UtcNow;
        var (quote, selector) = Locate(statement, fetched, text);
        var captured = new SourceCaptured(job.AgreementId, job.StatementId, job.Url, job.Round, now, fetched.FinalUrl, fetched.Status,
            fetched.ContentType, sha, document?.Length ?? fetched.Bytes?.LongLength, SourceBlobs.TextHashOf(text), quote, selector, fetched.Refusal,
            Drift(fetched, quote, previous, now));

        await using var session = store.LightweightSession(SessionOptions.ForTransaction(tx));
        session.LastModifiedBy = SourceCapturer.User;
        session.CorrelationId = $"capture-{job.Id}";
        var state = await session.Events.FetchStreamStateAsync(streamKey, ct);
        var action = state is null ? session.Events.StartStream<SourceLog>(streamKey, captured) : session.Events.Append(streamKey, captured);
        await session.SaveChangesAsync(ct);
        await SourceCaptures.InsertAsync(conn, tx, captured, action.Events[0].Sequence, ct);
        await using (var done = new NpgsqlCommand($"update {CaptureDispatcher.Jobs} set done_at = now(), last_error = @e where id = @id", conn, tx))
        {
            done.Parameters.AddWithValue("id", job.Id);
            done.Parameters.AddWithValue("e", (object?)fetched.Refusal ?? DBNull.Value);
            await done.ExecuteNonQueryAsync(ct);
        }
        await tx.CommitAsync(ct);
    }

    /// <summary>The quote (else the translation) in the text; not applicable when what was fetched has no text.</summary>
    public static (string State, TextQuoteSelector? Selector) Locate(StatementContent? statement, Fetched fetched, string? text)
    {
        if (fetched.Bytes is null || statement is null) return (QuoteState.NotCaptured, null);
        if (text is null) return (QuoteState.NotApplicable, null);
        var found = QuoteLocator.Locate(text, statement.Quote)
                    ?? (statement.Translation is { } t ? QuoteLocator.Locate(text, t) : null);
        return found is null ? (QuoteState.NotFound, null) : (QuoteState.Found, found);
    }

    /// <summary>What a capture shows has changed: the page gone (404, 410), or the quote found before and not now.</summary>
    public static string? Drift(Fetched fetched, string quote, SourceCaptures.Row? previous, DateTimeOffset at)
    {
        if (fetched.Status is 404 or 410) return $"source gone on {at:yyyy-MM-dd}: the page answered {fetched.Status}";
        if (quote == QuoteState.NotFound && previous?.Quote == QuoteState.Found)
            return $"source changed on {at:yyyy-MM-dd}: quote no longer present";
        return null;
    }

    private static Task<SourceCaptures.Row?> PreviousAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Job job, CancellationToken ct) =>
        SourceCaptures.LatestAsync(conn, tx, job.AgreementId, job.StatementId, job.Url, ct);
}
