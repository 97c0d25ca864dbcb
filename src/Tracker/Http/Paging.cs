using Tracker.Agreements.Deciding;
using Tracker.Kernel;

namespace Tracker.Http;

public readonly record struct Paging(int Page, int Size)
{
    public const int MaxSize = 500;
    /// <summary>Keeps the offset (page - 1) × size well inside what SQL and a 32-bit count can hold.</summary>
    public const int MaxPage = 1_000_000;

    public int Offset => (Page - 1) * Size;

    public static Paging Parse(int? page, int? pageSize, List<FieldError> errors)
    {
        if (page is < 1 or > MaxPage) errors.Add(new FieldError("page", $"must be between 1 and {MaxPage}"));
        if (pageSize is < 1 or > MaxSize) errors.Add(new FieldError("pageSize", $"must be between 1 and {MaxSize}"));
        return new Paging(page ?? 1, pageSize ?? 50);
    }
}
