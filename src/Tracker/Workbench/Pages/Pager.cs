namespace Tracker.Workbench.Pages;

/// <summary>What the pager partial needs: where we are, how many there are, and the link to add a page number to.</summary>
public sealed record Pager(int Page, int PageSize, int Total, string Href, string Label = "Pages")
{
    public int Pages => Math.Max(1, (Total + PageSize - 1) / PageSize);
}
