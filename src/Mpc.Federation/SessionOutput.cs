namespace Mpc.Federation;

/// <summary>A reconstructed output: its values (row-major) and shape.</summary>
public sealed record SessionOutput(double[] Values, int Rows, int Columns, IReadOnlyList<string>? Labels = null)
{
    /// <summary>An object of labelled values, a scalar, a list, or a list of rows, for JSON.</summary>
    public object ToJsonValue() => Labels is { } labels && labels.Count == Values.Length
        ? labels.Select((label, i) => (label, i)).ToDictionary(p => p.label, p => Values[p.i])
        : Values.Length == 1 && Rows == 1 && Columns == 1
        ? Values[0]
        : Columns == 1 || Rows == 1 ? Values : Enumerable.Range(0, Rows).Select(r => Values.AsSpan(r * Columns, Columns).ToArray()).ToArray();
}
