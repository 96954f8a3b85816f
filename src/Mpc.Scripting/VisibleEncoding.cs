using System.Globalization;
using Mpc.Boltzmann;
using Mpc.Core;
using Mpc.Data;

namespace Mpc.Scripting;

/// <summary>
/// How a Boltzmann machine's visible units encode a script's columns: one unit per column
/// (Bernoulli 0/1, binomial 0/1/2 or Gaussian), or one one-hot group per categorical column over its public levels.
/// The encoding is the same at every party (it comes from the parameters, never from the data);
/// it turns a party's cells into visible rows, synthetic rows back into one value per column, and a
/// condition ("column=value; ...") into the clamp of conditional sampling.
/// </summary>
/// <remarks>
/// Levels are written "column=level|level|...", columns separated by ';'. In categorical mode a
/// column without listed levels has the levels 0|1.
/// </remarks>
public sealed class VisibleEncoding
{
    private VisibleEncoding(IReadOnlyList<string> columns, VisibleKind kind, IReadOnlyList<IReadOnlyList<string>> levels)
    {
        Columns = columns;
        Kind = kind;
        Levels = levels;
        Groups = kind == VisibleKind.Categorical ? [.. levels.Select(l => l.Count)] : [];
        Width = kind == VisibleKind.Categorical ? Groups.Sum() : columns.Count;
    }

    public IReadOnlyList<string> Columns { get; }

    public VisibleKind Kind { get; }

    /// <summary>Each column's levels (categorical; empty lists otherwise).</summary>
    public IReadOnlyList<IReadOnlyList<string>> Levels { get; }

    /// <summary>Sizes of the one-hot groups, one per column (categorical; empty otherwise).</summary>
    public int[] Groups { get; }

    /// <summary>Visible units: the columns, or the sum of the levels.</summary>
    public int Width { get; }

    /// <summary>The encoding of <paramref name="visible"/> ("bernoulli", "gaussian" or "categorical") over the columns; a mistake in <paramref name="levels"/> is an error naming it.</summary>
    public static VisibleEncoding Create(IReadOnlyList<string> columns, string visible, string levels)
    {
        ArgumentNullException.ThrowIfNull(columns);
        ArgumentNullException.ThrowIfNull(levels);
        if (columns.Count == 0) throw new ParameterProblemException(ScriptingErrors.NoColumns);
        var kind = visible switch
        {
            "bernoulli" => VisibleKind.Bernoulli,
            "gaussian" => VisibleKind.Gaussian,
            "categorical" => VisibleKind.Categorical,
            "binomial" => VisibleKind.Binomial,
            _ => throw new ParameterProblemException(ScriptingErrors.UnknownVisibleType(visible)),
        };
        var listed = ParseLevels(levels);
        if (kind != VisibleKind.Categorical)
        {
            if (listed.Count > 0) throw new ParameterProblemException(ScriptingErrors.LevelsNeedCategorical(visible));
            return new VisibleEncoding(columns, kind, [.. columns.Select(_ => (IReadOnlyList<string>)[])]);
        }
        var unknown = listed.Keys.FirstOrDefault(c => !columns.Contains(c));
        if (unknown is not null) throw new ParameterProblemException(ScriptingErrors.LevelsColumnUnknown(unknown, columns));
        return new VisibleEncoding(columns, kind, [.. columns.Select(c => listed.TryGetValue(c, out var l) ? l : (IReadOnlyList<string>)["0", "1"])]);
    }

    private static Dictionary<string, IReadOnlyList<string>> ParseLevels(string text)
    {
        var levels = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var entry in text.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            int equals = entry.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0) throw new ParameterProblemException(ScriptingErrors.LevelsEntryMalformed(entry));
            string column = entry[..equals].Trim();
            var values = entry[(equals + 1)..].Split('|', StringSplitOptions.TrimEntries);
            if (values.Length < 2 || values.Any(v => v.Length == 0)) throw new ParameterProblemException(ScriptingErrors.LevelsTooFew(column));
            var duplicate = values.GroupBy(v => v, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
            if (duplicate is not null) throw new ParameterProblemException(ScriptingErrors.LevelListedTwice(column, duplicate.Key));
            if (!levels.TryAdd(column, values)) throw new ParameterProblemException(ScriptingErrors.LevelsColumnTwice(column));
        }
        return levels;
    }

    /// <summary>
    /// The party's rows as visible vectors. A missing value, a Bernoulli value that is not 0/1, or a
    /// cell that is not one of its column's levels stops the session naming the column (the party's log has file, row and value).
    /// </summary>
    public List<double[]> Rows(CsvTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        var numbers = Kind == VisibleKind.Categorical ? null : Columns.Select(table.Column).ToArray();
        var cells = Kind == VisibleKind.Categorical ? Columns.Select(table.Text).ToArray() : null;
        var rows = new List<double[]>(table.RowCount);
        for (int i = 0; i < table.RowCount; i++)
        {
            var row = new double[Width];
            int unit = 0;
            for (int j = 0; j < Columns.Count; j++)
            {
                string column = Columns[j];
                int line = i + 2;
                if (cells is not null)
                {
                    string cell = cells[j][i] ?? throw new DataProblemException(ErrorMessages.DataNeedsValue(column, "a categorical visible unit"), ErrorMessages.DataNeedsValueDetail(table.Source, line, column, "a categorical visible unit"), true);
                    int level = LevelIndex(j, cell);
                    if (level < 0)
                        throw new DataProblemException(ErrorMessages.DataOutsideLevels(column, "levels"), ErrorMessages.DataOutsideLevelsDetail(table.Source, line, column, $"'{cell}'", Levels[j]), true);
                    row[unit + level] = 1;
                    unit += Levels[j].Count;
                    continue;
                }
                double value = numbers![j][i];
                if (!double.IsFinite(value)) throw new DataProblemException(ErrorMessages.DataNeedsValue(column, "a visible unit"), ErrorMessages.DataNeedsValueDetail(table.Source, line, column, "a visible unit"), true);
                if (Kind == VisibleKind.Bernoulli && value is not (0 or 1))
                    throw new DataProblemException(ErrorMessages.DataNotBinary(column, "a Bernoulli visible unit"), ErrorMessages.DataNotBinaryDetail(table.Source, line, column, "a Bernoulli visible unit", value), true);
                if (Kind == VisibleKind.Binomial && value is not (0 or 1 or 2))
                    throw new DataProblemException(ErrorMessages.DataNotBinomial(column), ErrorMessages.DataNotBinomialDetail(table.Source, line, column, value), true);
                row[unit++] = value;
            }
            rows.Add(row);
        }
        return rows;
    }

    // The level's index: the same text, or the same number ("1" and "1.0").
    private int LevelIndex(int column, string cell)
    {
        var levels = Levels[column];
        for (int k = 0; k < levels.Count; k++)
            if (string.Equals(levels[k], cell, StringComparison.Ordinal)) return k;
        if (!double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out double number)) return -1;
        for (int k = 0; k < levels.Count; k++)
            if (double.TryParse(levels[k], NumberStyles.Float, CultureInfo.InvariantCulture, out double level) && level == number) return k;
        return -1;
    }

    /// <summary>One value per column of a visible row: the unit's value, or the index of the chosen level.</summary>
    public double[] Decode(ReadOnlySpan<double> visible)
    {
        if (visible.Length != Width) throw new ArgumentException(ScriptingErrors.VisibleRowWidth(Width, visible.Length));
        if (Kind != VisibleKind.Categorical) return visible.ToArray();
        var values = new double[Columns.Count];
        int start = 0;
        for (int j = 0; j < Columns.Count; j++)
        {
            values[j] = visible.Slice(start, Groups[j]).IndexOf(1.0);
            start += Groups[j];
        }
        return values;
    }

    /// <summary>A decoded row (one value per column, as from <see cref="Decode"/>) as visible units again: categorical levels one-hot.</summary>
    public double[] Encode(ReadOnlySpan<double> values)
    {
        if (values.Length != Columns.Count) throw new ArgumentException(ScriptingErrors.DecodedRowWidth(Columns.Count, values.Length));
        if (Kind != VisibleKind.Categorical) return values.ToArray();
        var visible = new double[Width];
        int start = 0;
        for (int j = 0; j < Columns.Count; j++)
        {
            if (values[j] < 0 || values[j] >= Groups[j] || values[j] != Math.Floor(values[j]))
                throw new ArgumentException(ScriptingErrors.LevelIndexInvalid(Columns[j], values[j], Groups[j]));
            visible[start + (int)values[j]] = 1;
            start += Groups[j];
        }
        return visible;
    }

    /// <summary>A decoded value as it appears in a CSV file: the level for a categorical column, the number otherwise.</summary>
    public string Format(int column, double value) =>
        Kind == VisibleKind.Categorical && value >= 0 && value < Levels[column].Count && value == Math.Floor(value)
            ? Levels[column][(int)value]
            : value.ToString("G6", CultureInfo.InvariantCulture);

    /// <summary>
    /// The clamp (NaN: free) of <paramref name="condition"/>, "column=value; ...": a Bernoulli column
    /// 0 or 1, a binomial one 0, 1 or 2, a Gaussian column a number (on the column's own scale: the caller standardises it),
    /// a categorical column one of its levels.
    /// </summary>
    public double[] Clamp(string condition)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var clamp = Enumerable.Repeat(double.NaN, Width).ToArray();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in condition.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            int equals = entry.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0) throw new ParameterProblemException(ScriptingErrors.ConditionMalformed(entry));
            string column = entry[..equals].Trim(), value = entry[(equals + 1)..].Trim();
            int j = Columns.ToList().IndexOf(column);
            if (j < 0) throw new ParameterProblemException(ScriptingErrors.ConditionColumnUnknown(column, Columns));
            if (!seen.Add(column)) throw new ParameterProblemException(ScriptingErrors.ConditionColumnTwice(column));
            if (Kind == VisibleKind.Categorical)
            {
                int level = LevelIndex(j, value);
                if (level < 0) throw new ParameterProblemException(ScriptingErrors.ConditionLevelUnknown(value, column, Levels[j]));
                int start = Groups[..j].Sum();
                for (int c = 0; c < Groups[j]; c++) clamp[start + c] = c == level ? 1 : 0;
                continue;
            }
            if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double number) || !double.IsFinite(number))
                throw new ParameterProblemException(ScriptingErrors.ConditionNotANumber(value, column));
            if (Kind == VisibleKind.Bernoulli && number is not (0 or 1)) throw new ParameterProblemException(ScriptingErrors.ConditionNotBernoulli(column, value));
            if (Kind == VisibleKind.Binomial && number is not (0 or 1 or 2)) throw new ParameterProblemException(ScriptingErrors.ConditionNotBinomial(column, value));
            clamp[j] = number;
        }
        return clamp;
    }
}
