using System.Globalization;
using CsvHelper;
using Mpc.Core;

namespace Mpc.Data;

/// <summary>
/// A party's dataset: a CSV file with a header row. Empty cells and "NA" are missing values. A
/// column is read as numbers (<see cref="Column"/>, missing as NaN) or as text (<see cref="Text"/>,
/// for categorical columns); a cell that is not a number, in a column read as numbers, is an error
/// whose public message names the dataset (by <see cref="Name"/>, never its path) and column, and
/// whose detail names the file, row (1-based, counting the header as row 1), column and cell.
/// </summary>
public sealed class CsvTable
{
    private readonly Dictionary<string, (string?[] Cells, Lazy<double[]> Numbers)> _columns;
    private readonly int[] _lines;

    private CsvTable(string source, string name, IReadOnlyList<string> names, List<List<string?>> cells, int[] lines)
    {
        _lines = lines;
        Source = source;
        Name = name;
        ColumnNames = names;
        RowCount = lines.Length;
        _columns = new Dictionary<string, (string?[], Lazy<double[]>)>(StringComparer.Ordinal);
        for (int c = 0; c < names.Count; c++)
        {
            var column = cells[c].ToArray();
            string columnName = names[c];
            _columns[columnName] = (column, new Lazy<double[]>(() => Parse(column, lines, source, columnName)));
        }
    }

    /// <summary>Where the table came from (a file path), for the party's own log only.</summary>
    public string Source { get; }

    /// <summary>The dataset's public name (as configured), used in messages that may leave the party.</summary>
    public string Name { get; }

    public IReadOnlyList<string> ColumnNames { get; }

    public int RowCount { get; }

    /// <summary>Reads a CSV file, named publicly by its file name.</summary>
    public static CsvTable Load(string path) => Load(path, null);

    /// <summary>Reads a CSV file; <paramref name="name"/> is the dataset's public name (the file name when not given).</summary>
    public static CsvTable Load(string path, string? name)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        name ??= Path.GetFileNameWithoutExtension(path);
        if (!File.Exists(path)) throw new DataFormatException(ErrorMessages.DataFileMissing(name), ErrorMessages.DataFileMissingDetail(path));
        using var reader = new StreamReader(path);
        return Parse(reader, path, name);
    }

    public static CsvTable Parse(TextReader text, string source, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(source);
        name ??= Path.GetFileNameWithoutExtension(source);
        var options = new CsvReaderOptions
        {
            Separator = ',',
            HasHeader = true,
            TrimWhitespace = true,
            SkipEmptyLines = true,
            MalformedData = CsvMalformedDataHandling.Throw,
            FieldCountMismatch = CsvFieldCountHandling.Allow,
            TrackLineNumbers = true,
        };
        using var csv = CsvReader.Create(text, options, false);
        var values = new List<List<string?>>();
        var lines = new List<int>();
        string[]? names = null;
        int row = 1;
        try
        {
            while (csv.Read())
            {
                names ??= CheckHeader(csv.Headers.ToArray(), source, name, values);
                row = (int)csv.LineNumber;
                lines.Add(row);
                if (csv.FieldCount != names.Length)
                    throw new DataFormatException(ErrorMessages.DataFieldCount(name), ErrorMessages.DataFieldCountDetail(source, row, csv.FieldCount, names.Length));
                for (int c = 0; c < names.Length; c++) values[c].Add(Cell(csv.GetString(c)));
            }
            names ??= csv.Headers.Count > 0 ? CheckHeader(csv.Headers.ToArray(), source, name, values) : null;
        }
        catch (CsvFormatException e)
        {
            // CsvHelper's message quotes the offending text: the log only.
            throw new DataFormatException(ErrorMessages.DataMalformed(name), ErrorMessages.DataMalformedDetail(source, row, e.Message.Split('\n')[0]));
        }
        if (names is null) throw new DataFormatException(ErrorMessages.DataFileEmpty(name), ErrorMessages.DataFileEmptyDetail(source));
        return new CsvTable(source, name, names, values, [.. lines]);
    }

    private static string[] CheckHeader(string[] names, string source, string name, List<List<string?>> values)
    {
        var duplicate = names.GroupBy(n => n, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new DataFormatException(ErrorMessages.DataDuplicateColumn(name, duplicate.Key), $"{source}: column '{duplicate.Key}' appears twice in the header.");
        if (names.Any(string.IsNullOrWhiteSpace)) throw new DataFormatException(ErrorMessages.DataEmptyColumnName(name), $"{source}: the header has an empty column name.");
        foreach (var _ in names) values.Add([]);
        return names;
    }

    /// <summary>The file line of each row (the header is line 1), for the party's own error detail.</summary>
    public IReadOnlyList<int> Lines => _lines;

    /// <summary>A table from cells already read (a script worker gets its party's dataset this way, without the file).</summary>
    public static CsvTable FromCells(string source, string name, IReadOnlyList<string> names, IReadOnlyList<string?[]> columns, int[] lines)
    {
        ArgumentNullException.ThrowIfNull(names);
        ArgumentNullException.ThrowIfNull(columns);
        ArgumentNullException.ThrowIfNull(lines);
        if (columns.Count != names.Count || columns.Any(c => c.Length != lines.Length)) throw new ArgumentException("Every column needs one cell per row.", nameof(columns));
        return new CsvTable(source, name, names, columns.Select(c => c.ToList()).ToList(), lines);
    }

    public bool HasColumn(string name) => _columns.ContainsKey(name);

    /// <summary>A column's values (NaN where missing); an unknown name, or a cell that is not a number, is an error naming the column (the detail names row and cell).</summary>
    public double[] Column(string name) => Find(name).Numbers.Value;

    /// <summary>A column's cells as text (trimmed; null where missing), for categorical columns.</summary>
    public IReadOnlyList<string?> Text(string name) => Find(name).Cells;

    private (string?[] Cells, Lazy<double[]> Numbers) Find(string name)
    {
        if (_columns.TryGetValue(name, out var column)) return column;
        throw new DataFormatException(ErrorMessages.DataNoColumn(Name, name), ErrorMessages.DataNoColumnDetail(Source, name, ColumnNames));
    }

    private static string? Cell(string? cell) => string.IsNullOrEmpty(cell) || cell is "NA" or "NaN" ? null : cell;

    // Rows are named by their line in the file (the header is line 1; skipped empty lines count).
    private static double[] Parse(string?[] cells, int[] lines, string source, string column)
    {
        var values = new double[cells.Length];
        for (int i = 0; i < cells.Length; i++)
        {
            if (cells[i] is not { } cell) values[i] = double.NaN;
            else if (double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value)) values[i] = value;
            else throw new DataFormatException(ErrorMessages.DataNotANumber(column), ErrorMessages.DataNotANumberDetail(source, lines[i], column, cell), dependsOnValues: true);
        }
        return values;
    }
}
