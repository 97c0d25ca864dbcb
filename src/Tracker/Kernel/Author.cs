namespace Tracker.Kernel;

/// <summary>Who is writing, and under which correlation id: stamped on every event appended.</summary>
public sealed record Author(string UserName, string? CorrelationId = null);
