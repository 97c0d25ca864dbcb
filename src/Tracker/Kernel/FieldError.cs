namespace Tracker.Kernel;

/// <summary>A rejected field: its path in the request (camelCase, e.g. <c>assertions[0].stage</c>) and why.</summary>
public sealed record FieldError(string Field, string Reason);
