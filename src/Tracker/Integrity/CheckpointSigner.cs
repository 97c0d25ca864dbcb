using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;
using Org.BouncyCastle.Security;

namespace Tracker.Integrity;

/// <summary>
/// The instance's Ed25519 key for checkpoints: a file (the 32-byte private key, base64) readable by its owner only,
/// created on first use in $TRACKER_HOME (or where Tracker:Integrity:SigningKeyFile says).
/// </summary>
public sealed class CheckpointSigner
{
    public const string KeyFileName = "checkpoint-signing.key";
    private readonly Ed25519PrivateKeyParameters _key;

    public string KeyFile { get; }
    public string PublicKey { get; }

    private CheckpointSigner(string keyFile, Ed25519PrivateKeyParameters key)
    {
        KeyFile = keyFile;
        _key = key;
        PublicKey = Convert.ToBase64String(key.GeneratePublicKey().GetEncoded());
    }

    public static string DefaultKeyFile(IConfiguration configuration)
    {
        if (configuration["Tracker:Integrity:SigningKeyFile"] is { Length: > 0 } configured) return Path.GetFullPath(configured);
        var home = configuration["TRACKER_HOME"] is { Length: > 0 } h ? h
            : configuration["Tracker:DataDirectory"] is { Length: > 0 } d ? d
            : OperatingSystem.IsLinux() ? Infrastructure.Database.EmbeddedPostgres.DefaultProductDirectory()
            : Environment.CurrentDirectory;
        return Path.Combine(Path.GetFullPath(home), KeyFileName);
    }

    public static CheckpointSigner Load(string keyFile)
    {
        if (!File.Exists(keyFile))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(keyFile)!);
            var fresh = new Ed25519PrivateKeyParameters(new SecureRandom());
            try
            {
                // Created readable by its owner only from the first byte; CreateNew: two processes never both write one.
                var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
                if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
                using var file = new FileStream(keyFile, options);
                using var writer = new StreamWriter(file);
                writer.WriteLine(Convert.ToBase64String(fresh.GetEncoded()));
            }
            catch (IOException) when (File.Exists(keyFile))
            {
                // Another process created it first: use theirs.
            }
        }
        if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(keyFile) & (UnixFileMode.GroupRead | UnixFileMode.OtherRead |
                                                                              UnixFileMode.GroupWrite | UnixFileMode.OtherWrite)) != 0)
            throw new InvalidOperationException($"{keyFile}: the checkpoint signing key is readable by others; chmod 600 it");
        byte[] seed;
        try { seed = Convert.FromBase64String(File.ReadAllText(keyFile).Trim()); }
        catch (FormatException) { throw new InvalidOperationException($"{keyFile}: not a checkpoint signing key (base64 of 32 bytes)"); }
        if (seed.Length != Ed25519PrivateKeyParameters.KeySize)
            throw new InvalidOperationException($"{keyFile}: not a checkpoint signing key (base64 of 32 bytes)");
        return new CheckpointSigner(keyFile, new Ed25519PrivateKeyParameters(seed));
    }

    public Checkpoint Sign(long position, long? sequence, byte[] hash, DateTimeOffset signedAt)
    {
        var signer = new Ed25519Signer();
        signer.Init(true, _key);
        var text = Checkpoint.SignedText(position, sequence, hash, signedAt);
        signer.BlockUpdate(text, 0, text.Length);
        return new Checkpoint(position, sequence, hash, signedAt, PublicKey, Convert.ToBase64String(signer.GenerateSignature()));
    }

    /// <summary>Whether the checkpoint's signature is valid for the public key it names.</summary>
    public static bool IsValid(Checkpoint checkpoint)
    {
        try
        {
            var key = new Ed25519PublicKeyParameters(Convert.FromBase64String(checkpoint.PublicKey));
            var verifier = new Ed25519Signer();
            verifier.Init(false, key);
            var text = checkpoint.SignedText();
            verifier.BlockUpdate(text, 0, text.Length);
            return verifier.VerifySignature(Convert.FromBase64String(checkpoint.Signature));
        }
        catch (Exception e) when (e is FormatException or ArgumentException)
        {
            return false;
        }
    }
}
