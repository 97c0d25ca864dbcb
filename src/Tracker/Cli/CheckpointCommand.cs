using JasperFx.CommandLine;
using Tracker.Integrity;

namespace Tracker.Cli;

public class CheckpointInput : TrackerInput
{
    [Description("Also write the checkpoint as JSON to this file, to keep elsewhere"), FlagAlias("output", 'o')]
    public string? OutputFlag { get; set; }
}

[Description("Verify the chain, then sign its head (Ed25519) and keep it; --output writes it as a file for an auditor",
    Name = "checkpoint")]
public class CheckpointCommand : JasperFxAsyncCommand<CheckpointInput>
{
    public override async Task<bool> Execute(CheckpointInput input)
    {
        using var host = await input.BuildHost().StartedForCommandAsync();
        var (checkpoint, report) = await host.Services.GetRequiredService<Checkpoints>().TakeAsync();
        if (checkpoint is null)
            return CliErrors.Fail(report.Intact
                ? "checkpoint: the log has no events yet: nothing to sign"
                : $"checkpoint: not signed, the chain does not verify: {report.Summary}");

        var json = checkpoint.ToJson();
        if (input.OutputFlag is { } output)
        {
            var path = Path.GetFullPath(output);
            await File.WriteAllTextAsync(path + ".partial", json);
            File.Move(path + ".partial", path, overwrite: true);
            Console.Error.WriteLine($"Checkpoint written to {path}.");
        }
        else
        {
            Console.Out.Write(json);
        }
        var signer = host.Services.GetRequiredService<CheckpointSigner>();
        Console.Error.WriteLine($"Signed position {checkpoint.Position:N0} (event #{checkpoint.Sequence}), head " +
                                $"{Convert.ToHexStringLower(checkpoint.Hash)}, with the key in {signer.KeyFile} (public key {signer.PublicKey}).");
        return true;
    }
}
