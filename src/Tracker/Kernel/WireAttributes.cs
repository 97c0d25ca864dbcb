namespace Tracker.Kernel;

/// <summary>
/// A text field that takes one of a vocabulary's wire names: an enum's (<see cref="WireNames"/>), or the
/// strings of a class's static <c>All</c> list. The API description lists the values from the code, so a value added
/// to the vocabulary is described without anyone editing the description.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter)]
public sealed class WireVocabularyAttribute(Type vocabulary) : Attribute
{
    public Type Vocabulary { get; } = vocabulary;

    public IReadOnlyList<string> Names => Vocabulary.IsEnum
        ? (IReadOnlyList<string>)typeof(WireNames).GetMethod(nameof(WireNames.All))!
            .MakeGenericMethod(Vocabulary).Invoke(null, null)!
        : (IReadOnlyList<string>)Vocabulary.GetField("All")!.GetValue(null)!;
}

/// <summary>A positional field a request may leave out (a record parameter without a default stays optional).</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class OptionalFieldAttribute : Attribute;
