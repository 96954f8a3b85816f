namespace Mpc.Federation.Protocols;

/// <summary>
/// A column's public range from the party's configuration ("bounds": { "age": [18, 100] }), from domain knowledge and never
/// from the data: DP releases of a numeric column clip its values to it, so one row moves a noised sum by a bounded amount.
/// </summary>
public readonly record struct ColumnRange(double Lower, double Upper)
{
    /// <summary>Whether <paramref name="other"/> lies within this range (an analyst may ask for a narrower one, never a wider).</summary>
    public bool Contains(ColumnRange other) => other.Lower >= Lower && other.Upper <= Upper;
}
