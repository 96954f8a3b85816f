namespace Mpc.Runtime;

/// <summary>The one naming of parties in local runs (in-process harness, local federation, demo files): "party1" to "partyN", counted from one.</summary>
public static class LocalPartyNames
{
    /// <summary>The name of the party at <paramref name="index"/> (from zero) in roster order.</summary>
    public static string Of(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        return FormattableString.Invariant($"party{index + 1}");
    }

    /// <summary>The names of <paramref name="count"/> parties in roster order.</summary>
    public static IReadOnlyList<string> For(int count) => Enumerable.Range(0, count).Select(Of).ToArray();
}
