namespace Tracker.Security;

/// <summary>reader: every GET. analyst: also writes to agreements. reviewer: also decides others' proposals (four-eyes
/// review). admin: also user management and review policy.</summary>
public static class Roles
{
    public const string Reader = "reader";
    public const string Analyst = "analyst";
    public const string Reviewer = "reviewer";
    public const string Admin = "admin";

    public static readonly IReadOnlyList<string> All = [Reader, Analyst, Reviewer, Admin];
    /// <summary>The roles that may read, and those that may write: each role has every right of the ones before it.</summary>
    public static readonly string[] Readers = [Reader, Analyst, Reviewer, Admin];
    public static readonly string[] Writers = [Analyst, Reviewer, Admin];

    /// <summary>Who may decide proposals: reviewers and admins, and analysts unless <c>Tracker:Review:AnalystsReview</c> is off.</summary>
    public static string[] ReviewersOf(IConfiguration configuration) =>
        configuration.GetValue("Tracker:Review:AnalystsReview", true) ? Writers : [Reviewer, Admin];

    /// <summary>Authorization policies named after the least role that passes them.</summary>
    public static class Policies
    {
        public const string CanRead = "can-read";
        public const string CanWrite = "can-write";
        public const string CanAdminister = "can-administer";
        public const string CanReview = "can-review";
    }
}
