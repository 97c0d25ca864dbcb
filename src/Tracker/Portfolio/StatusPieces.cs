using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Tracker.Agreements;

namespace Tracker.Portfolio;

/// <summary>
/// A commitment's status as a function of the "as of" date, under what is known now: constant between the last days
/// of its statements' said-on dates (an imprecise date counts from its last day), so a few pieces hold every answer.
/// Each piece is <see cref="StatusRule"/> evaluated at the piece's first day; the last piece, open-ended, is the
/// status with every statement counted.
/// </summary>
public static class StatusPieces
{
    public sealed record Piece(DateOnly ValidFrom, DateOnly ValidTo, CommitmentStatus Status, string Json, string Hash);

    /// <summary>Valid-time bounds: DateOnly.MinValue and MaxValue are stored as -infinity and infinity.</summary>
    public static readonly DateOnly Unbounded = DateOnly.MaxValue;
    public static readonly DateOnly Beginning = DateOnly.MinValue;

    public static List<Piece> Of(string agreementId, Commitment commitment, IReadOnlyList<StatementFacts> statements)
    {
        var starts = statements.Select(s => s.SaidOn.End).Distinct().Order().ToList();
        var pieces = new List<Piece>(starts.Count + 1);
        pieces.Add(Make(Beginning, starts.Count > 0 ? starts[0] : Unbounded,
            StatusRule.Evaluate(agreementId, commitment, [], null)));
        for (var i = 0; i < starts.Count; i++)
            pieces.Add(Make(starts[i], i + 1 < starts.Count ? starts[i + 1] : Unbounded,
                StatusRule.Evaluate(agreementId, commitment, statements, starts[i])));
        return pieces;
    }

    private static Piece Make(DateOnly from, DateOnly to, CommitmentStatus status)
    {
        var json = JsonSerializer.Serialize(status, PortfolioJson.Options);
        return new Piece(from, to, status, json, Hash(json));
    }

    public static string Hash(string text) =>
        Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(text)).AsSpan(0, 16));
}

public static class PortfolioJson
{
    /// <summary>How read-model rows store their JSON: the API's own shape (camelCase, vocabularies by name).</summary>
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);
}
