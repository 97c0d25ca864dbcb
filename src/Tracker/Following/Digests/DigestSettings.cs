using MailKit.Security;
using Tracker.Kernel;

namespace Tracker.Following.Digests;

/// <summary>
/// <c>Tracker:Digest:*</c>: where and when the daily digests go. <see cref="Enabled"/> turns on the schedule only;
/// <c>tracker digest send</c> sends with these settings whether it is on or not.
/// </summary>
public sealed class DigestSettings
{
    public const string Section = "Tracker:Digest";

    public bool Enabled { get; set; }
    /// <summary>The hour (UTC) from which a day's digests are sent; a start later that day still sends them.</summary>
    public int SendHourUtc { get; set; } = 6;
    public string? SmtpHost { get; set; }
    public int SmtpPort { get; set; } = 25;
    /// <summary>MailKit's choice: Auto (TLS on 465, STARTTLS when offered elsewhere), None, StartTls, SslOnConnect.</summary>
    public SecureSocketOptions SmtpSecurity { get; set; } = SecureSocketOptions.Auto;
    public string? SmtpUser { get; set; }
    public string? SmtpPassword { get; set; }
    public string? From { get; set; }
    /// <summary>The workbench's address as readers reach it (https://tracker.example.org): a mail's links start with it.</summary>
    public string? WorkbenchUrl { get; set; }

    public static DigestSettings Read(IConfiguration configuration) =>
        configuration.GetSection(Section).Get<DigestSettings>() ?? new DigestSettings();

    /// <summary>What is missing or wrong, each naming its setting; empty when a digest can be sent.</summary>
    public List<FieldError> Problems()
    {
        var problems = new List<FieldError>();
        if (string.IsNullOrWhiteSpace(SmtpHost)) problems.Add(new($"{Section}:SmtpHost", "is required: the SMTP server digests are sent through"));
        if (SmtpPort is < 1 or > 65535) problems.Add(new($"{Section}:SmtpPort", "must be a port number (1-65535)"));
        if (string.IsNullOrWhiteSpace(From) || !System.Net.Mail.MailAddress.TryCreate(From, out _))
            problems.Add(new($"{Section}:From", "is required: the address digests are sent from"));
        if (!Uri.TryCreate(WorkbenchUrl, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
            problems.Add(new($"{Section}:WorkbenchUrl", "is required: the workbench's http(s) address, which the digest links to"));
        if (SendHourUtc is < 0 or > 23) problems.Add(new($"{Section}:SendHourUtc", "must be an hour from 0 to 23"));
        return problems;
    }
}
