namespace Tracker.Security;

/// <summary>reader: every GET. analyst: also writes to agreements. admin: also user management.</summary>
public static class Roles
{
    public const string Reader = "reader";
    public const string Analyst = "analyst";
    public const string Admin = "admin";

    public static readonly IReadOnlyList<string> All = [Reader, Analyst, Admin];

    /// <summary>Authorization policies named after the least role that passes them.</summary>
    public static class Policies
    {
        public const string CanRead = "can-read";
        public const string CanWrite = "can-write";
        public const string CanAdminister = "can-administer";
    }
}
