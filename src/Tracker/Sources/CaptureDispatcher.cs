using Microsoft.Extensions.Options;
using Npgsql;
using Tracker.Infrastructure;
using Tracker.Infrastructure.Background;
using Tracker.Infrastructure.Database;

namespace Tracker.Sources;

/// <summary>
/// Turns committed statements into capture jobs, following the hash chain from its cursor (<see cref="ChainFollower"/>,
/// as the webhook dispatcher does): the jobs of a range and the cursor's move past it commit together, and the jobs' key
/// (statement, URL, round) makes a range done twice write nothing twice.
/// Following the chain rather than adding a row in the write's own transaction keeps recording exactly as fast with
/// capture on as off, and catches every writer of statements (API, workbench, CLI, import) without touching them.
/// </summary>
public sealed class CaptureDispatcher(BackgroundDataSource background, BackgroundBudget budget, IOptions<SourceOptions> options,
    CaptureWake wake, ILogger<CaptureDispatcher> logger) : BackgroundService
{
    public const string Cursor = TrackerHost.MartenSchema + ".capture_dispatch";
    public const string Jobs = TrackerHost.MartenSchema + ".capture_jobs";
    public const long Window = 10_000;

    protected override Task ExecuteAsync(CancellationToken stopping) =>
        ChainFollower.RunAsync(budget, ct => DispatchAsync(background.DataSource, ct), () => options.Value.PollInterval, wake.Wake,
            logger, "Capture dispatch", stopping);

    /// <summary>One step: the jobs of the next range of committed positions, and the cursor moved past it.</summary>
    public static Task<(int Inserted, bool More)> DispatchAsync(NpgsqlDataSource dataSource, CancellationToken ct) =>
        ChainFollower.StepAsync(dataSource, Cursor, Window, async (conn, tx, from, to, c) =>
        {
            // A recorded statement's URL and document, or those a correction gives its source: each is captured once
            // (a document is not fetched: its quote is looked for in its stored text, see DocumentCitation).
            await using var insert = new NpgsqlCommand($"""
                insert into {Jobs} (agreement_id, statement_id, url, round, created_at, next_attempt_at)
                select e.stream_id, (e.data ->> 'statementId')::uuid, u.url, 0, now(), now()
                from {TrackerHost.MartenSchema}.event_chain ch
                join {TrackerHost.MartenSchema}.mt_events e on e.seq_id = ch.seq_id
                cross join lateral (select coalesce(e.data -> 'content' -> 'source', e.data -> 'changes' -> 'source') as source) s
                cross join lateral (values (s.source ->> 'url'), ('{DocumentCitation.Scheme}' || (s.source ->> 'documentId'))) u(url)
                where ch.position > @from and ch.position <= @to
                  and e.type in ('statement_recorded', 'statement_corrected') and u.url is not null
                order by ch.position
                on conflict (agreement_id, statement_id, url, round) do nothing
                """, conn, tx);
            insert.Parameters.AddWithValue("from", from);
            insert.Parameters.AddWithValue("to", to);
            return await insert.ExecuteNonQueryAsync(c);
        }, ct);
}

/// <summary>Wakes this instance's capturers when its dispatcher or a recheck has written jobs (others poll).</summary>
public sealed class CaptureWake : WakeSignal;
