using Npgsql;
using Tracker.Infrastructure;

namespace Tracker.Integrity;

/// <summary>Takes checkpoints (the chain verified first: a broken chain is never signed) and reads the stored ones.</summary>
public sealed class Checkpoints(NpgsqlDataSource dataSource, ChainVerifier verifier, IServiceProvider services, TimeProvider clock)
{
    private const string Schema = TrackerHost.MartenSchema;

    /// <summary>The signed head, stored; null (and the report saying why) when the chain does not verify or is empty.</summary>
    public async Task<(Checkpoint? Checkpoint, IntegrityReport Report)> TakeAsync(CancellationToken ct = default)
    {
        var report = await verifier.VerifyAsync(new ChainScope(), null, ct);
        if (!report.Intact || report.HeadHash is null) return (null, report);
        var signer = services.GetRequiredService<CheckpointSigner>();
        // Microseconds: what PostgreSQL keeps, so the stored checkpoint signs the same text as the file.
        var now = clock.GetUtcNow();
        var at = new DateTimeOffset(now.UtcTicks - now.UtcTicks % 10, TimeSpan.Zero);
        var checkpoint = signer.Sign(report.HeadPosition, report.HeadSequence, Convert.FromHexString(report.HeadHash), at);
        await using var cmd = dataSource.CreateCommand($"""
            insert into {Schema}.event_chain_checkpoints (position, seq_id, hash, signed_at, public_key, signature)
            values ($1, $2, $3, $4, $5, $6) on conflict do nothing
            """);
        cmd.Parameters.Add(new() { Value = checkpoint.Position });
        cmd.Parameters.Add(new() { Value = (object?)checkpoint.Sequence ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bigint });
        cmd.Parameters.Add(new() { Value = checkpoint.Hash });
        cmd.Parameters.Add(new() { Value = checkpoint.SignedAt });
        cmd.Parameters.Add(new() { Value = checkpoint.PublicKey });
        cmd.Parameters.Add(new() { Value = checkpoint.Signature });
        await cmd.ExecuteNonQueryAsync(ct);
        return (checkpoint, report);
    }

    /// <summary>The most recent checkpoint kept in the database: verify checks the chain still extends it.</summary>
    internal static async Task<Checkpoint?> LatestStoredAsync(NpgsqlConnection conn, NpgsqlTransaction tx, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand($"""
            select position, seq_id, hash, signed_at, public_key, signature from {Schema}.event_chain_checkpoints
            order by signed_at desc, position desc limit 1
            """, conn, tx);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct)) return null;
        return new Checkpoint(reader.GetInt64(0), reader.IsDBNull(1) ? null : reader.GetInt64(1), reader.GetFieldValue<byte[]>(2),
            reader.GetFieldValue<DateTimeOffset>(3), reader.GetString(4), reader.GetString(5)) { Source = "database" };
    }
}

/// <summary>Signs the head every Tracker:Integrity:CheckpointMinutes (default 60; 0 turns it off) when it has moved.</summary>
internal sealed class CheckpointSchedule(IConfiguration configuration, IServiceProvider services, ILogger<CheckpointSchedule> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stopping)
    {
        var minutes = configuration.GetValue("Tracker:Integrity:CheckpointMinutes", 60.0);
        if (minutes <= 0) return;
        using var timer = new PeriodicTimer(TimeSpan.FromMinutes(minutes));
        long signed = 0;
        try
        {
            while (await timer.WaitForNextTickAsync(stopping))
            {
                try
                {
                    var (checkpoint, report) = await services.GetRequiredService<Checkpoints>().TakeAsync(stopping);
                    if (checkpoint is null)
                    {
                        if (!report.Intact) logger.LogError("No checkpoint signed: {Summary}", report.Summary);
                        continue;
                    }
                    if (checkpoint.Position == signed) continue;
                    signed = checkpoint.Position;
                    logger.LogInformation("Checkpoint signed at position {Position}, head {Head}", checkpoint.Position,
                        Convert.ToHexStringLower(checkpoint.Hash));
                }
                catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException)
                {
                    logger.LogWarning(e, "No checkpoint signed this time");
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
    }
}

public static class IntegrityRegistration
{
    public static IServiceCollection AddIntegrity(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<ChainVerifier>();
        services.AddSingleton<Checkpoints>();
        // Loaded (and on first use created) only when a checkpoint is signed: reads never need the private key.
        services.AddSingleton(_ => CheckpointSigner.Load(CheckpointSigner.DefaultKeyFile(configuration)));
        services.AddHostedService<CheckpointSchedule>();
        return services;
    }
}
