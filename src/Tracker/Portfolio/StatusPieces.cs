using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
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
    /// <summary>A piece; <c>Status</c> and <c>Json</c> are null when it was taken unchanged from the previous ones.</summary>
    public sealed record Piece(DateOnly ValidFrom, DateOnly ValidTo, CommitmentStatus? Status, string? Json, string Hash);

    /// <summary>Valid-time bounds: DateOnly.MinValue and MaxValue are stored as -infinity and infinity.</summary>
    public static readonly DateOnly Unbounded = DateOnly.MaxValue;
    public static readonly DateOnly Beginning = DateOnly.MinValue;

    /// <param name="changedFrom">The earliest last day of a said-on date that changed since <paramref name="previous"/>
    /// was computed: pieces that end by then cannot have changed, so they are taken from there, not evaluated again
    /// (a statement said today re-evaluates the last piece, not the commitment's whole history).</param>
    public static List<Piece> Of(string agreementId, Commitment commitment, IReadOnlyList<StatementFacts> statements,
        DateOnly changedFrom, IReadOnlyList<StatusPiece> previous)
    {
        var ends = new HashSet<DateOnly>();
        foreach (var s in statements) ends.Add(s.SaidOn.End);
        var starts = ends.ToList();
        starts.Sort();
        var earlier = previous.ToDictionary(p => (p.ValidFrom, p.ValidTo));
        var pieces = new List<Piece>(starts.Count + 1);
        for (var i = -1; i < starts.Count; i++)
        {
            var from = i < 0 ? Beginning : starts[i];
            var to = i + 1 < starts.Count ? starts[i + 1] : Unbounded;
            if (to <= changedFrom && earlier.TryGetValue((from, to), out var same))
            {
                pieces.Add(new Piece(from, to, null, null, same.Hash));
                continue;
            }
            var status = i < 0
                ? StatusRule.Evaluate(agreementId, commitment, [], null)
                : StatusRule.Evaluate(agreementId, commitment, statements, from).Abridged();
            var json = JsonSerializer.Serialize(status, PortfolioJson.Options);
            pieces.Add(new Piece(from, to, status, json, Hash(json)));
        }
        return pieces;
    }

    /// <summary>
    /// The pieces once <paramref name="later"/> is counted, each said no earlier than any statement counted so far
    /// (<see cref="StatusRule.Continues"/>), from the pieces last written and the open-ended piece's status
    /// <paramref name="latest"/>: only the open-ended piece changes (it ends where a later statement starts to count,
    /// and a new one begins there), so nothing earlier is evaluated again.
    /// </summary>
    public static List<Piece> Continue(IReadOnlyList<StatusPiece> previous, CommitmentStatus latest,
        IReadOnlyList<StatementFacts> later)
    {
        var pieces = previous.Select(p => new Piece(p.ValidFrom, p.ValidTo, null, null, p.Hash)).ToList();
        var status = latest;
        foreach (var statement in later)
        {
            var next = StatusRule.Continue(status, [statement]);
            var open = pieces[^1];
            var json = JsonSerializer.Serialize(next, PortfolioJson.Options);
            if (statement.SaidOn.End > open.ValidFrom)
            {
                // Before its last day the statement does not count: up to there the answer stays what it was.
                var kept = open.Json ?? JsonSerializer.Serialize(status, PortfolioJson.Options);
                pieces[^1] = new Piece(open.ValidFrom, statement.SaidOn.End, status, kept, Hash(kept));
                pieces.Add(new Piece(statement.SaidOn.End, Unbounded, next, json, Hash(json)));
            }
            else pieces[^1] = new Piece(open.ValidFrom, Unbounded, next, json, Hash(json));
            status = next;
        }
        return pieces;
    }

    public static string Hash(string text)
    {
        // One hasher per thread, fed without copying the text to a new array each time: a rebuild hashes every status
        // it folds, on several threads, and a fresh native hash context per call cost it more than the hashing.
        var bytes = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(text.Length));
        try
        {
            var length = Encoding.UTF8.GetBytes(text, bytes);
            hasher ??= IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            hasher.AppendData(bytes, 0, length);
            Span<byte> hash = stackalloc byte[32];
            hasher.GetHashAndReset(hash);
            return Convert.ToBase64String(hash[..16]);
        }
        finally { ArrayPool<byte>.Shared.Return(bytes); }
    }

    [ThreadStatic] private static IncrementalHash? hasher;
}

public static class PortfolioJson
{
    /// <summary>How read-model rows store their JSON: the API's own shape (camelCase, vocabularies by name). The rows'
    /// own types are serialised by generated code (<see cref="PortfolioJsonContext"/>: the same bytes, without
    /// reflection; most of a rebuild's fold was this JSON), any other type as before.</summary>
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        TypeInfoResolver = JsonTypeInfoResolver.Combine(PortfolioJsonContext.Default, new DefaultJsonTypeInfoResolver()),
    };
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(CommitmentStatus))]
[JsonSerializable(typeof(ChangeRow))]
[JsonSerializable(typeof(StatementFacts))]
internal sealed partial class PortfolioJsonContext : JsonSerializerContext;
