using Tracker.Agreements.Deciding;

namespace Tracker.Http;

public readonly record struct Paging(int Page, int Size)
{
    public const int MaxSize = 500;

    public static Paging Parse(int? page, int? pageSize, List<FieldError> errors)
    {
        if (page is < 1) errors.Add(new FieldError("page", "must be 1 or more"));
        if (pageSize is < 1 or > MaxSize) errors.Add(new FieldError("pageSize", $"must be between 1 and {MaxSize}"));
        return new Paging(page ?? 1, pageSize ?? 50);
    }
}
