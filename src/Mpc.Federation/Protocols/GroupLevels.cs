using System.Globalization;
using Mpc.Data;

namespace Mpc.Federation.Protocols;

/// <summary>
/// Groups of rows chosen by a column's levels, given as text (<c>adeno,large</c>) or numbers (<c>1,2</c>): a cell
/// belongs to the level it equals as text or, when both read as numbers, as a number ("1" and "1.0").
/// </summary>
internal static class GroupLevels
{
    /// <summary>Each row's level index, or -1 for a row of no listed level (or a missing cell).</summary>
    public static int[] Assign(CsvTable table, string column, IReadOnlyList<string> levels)
    {
        var numbers = levels.Select(Number).ToArray();
        return table.Text(column).Select(cell => cell is null ? -1 : Find(cell, levels, numbers)).ToArray();
    }

    /// <summary>Rows per level, then the rows of no listed level, which statistics of the whole dataset would reveal by difference.</summary>
    public static double[] Sizes(int[] assignment, int levelCount)
    {
        var sizes = new double[levelCount + 1];
        foreach (var level in assignment) sizes[level < 0 ? levelCount : level]++;
        return sizes;
    }

    /// <summary>The problem with a levels parameter (fewer than <paramref name="minimum"/>, or a repeated level), or null.</summary>
    public static string? Problem(string parameter, IReadOnlyList<string> levels, int minimum)
    {
        if (levels.Count < minimum) return $"parameter '{parameter}' needs at least {minimum} comma-separated levels";
        var numbers = levels.Select(Number).ToArray();
        for (int i = 0; i < levels.Count; i++)
            if (Find(levels[i], levels, numbers) != i) return $"parameter '{parameter}' lists level '{levels[i]}' twice";
        return null;
    }

    private static int Find(string cell, IReadOnlyList<string> levels, double?[] numbers)
    {
        double? number = Number(cell);
        for (int l = 0; l < levels.Count; l++)
            if (string.Equals(cell, levels[l], StringComparison.Ordinal) || (number is { } n && numbers[l] is { } m && n == m)) return l;
        return -1;
    }

    private static double? Number(string text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value) ? value : null;
}
