using System.Globalization;
using CsvHelper;

namespace Mpc.Data;

/// <summary>
/// A party's dataset: a CSV file with a header row, read into numeric columns. Empty cells and
/// "NA" are missing values (NaN). Anything else that is not a number is an error naming the file,
/// row (1-based, counting the header as row 1) and column.
/// </summary>
public sealed class CsvTable
{
    private readonly Dictionary<string, double[]> _columns;

    private CsvTable(string source, IReadOnlyList<string> names, Dictionary<string, double[]> columns, int rows)
    {
        Source = source;
        ColumnNames = names;
        _columns = columns;
        RowCount = rows;
    }

    /// <summary>Where the table came from (a file path), for error messages.</summary>
    public string Source { get; }

    public IReadOnlyList<string> ColumnNames { get; }

    public int RowCount { get; }

    public static CsvTable Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path)) throw new DataFormatException($"Data file {path} does not exist.");
        using var reader = new StreamReader(path);
        return Parse(reader, path);
    }

    public static CsvTable Parse(TextReader text, string source)
    {
        ArgumentNullException.ThrowIfNull(text);
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
        var values = new List<List<double>>();
        string[]? names = null;
        int row = 1;
        try
        {
            while (csv.Read())
            {
                names ??= CheckHeader(csv.Headers.ToArray(), source, values);
                row = (int)csv.LineNumber;
                if (csv.FieldCount != names.Length)
                    throw new DataFormatException($"{source}, row {row}: {csv.FieldCount} fields where the header has {names.Length}.");
                for (int c = 0; c < names.Length; c++) values[c].Add(ParseCell(csv.GetString(c), source, row, names[c]));
            }
            names ??= csv.Headers.Count > 0 ? CheckHeader(csv.Headers.ToArray(), source, values) : null;
        }
        catch (CsvFormatException e)
        {
            throw new DataFormatException($"{source}, after row {row}: malformed CSV ({e.Message.Split('\n')[0]}).");
        }
        if (names is null) throw new DataFormatException($"{source}: the file is empty; a header row is needed.");
        var columns = new Dictionary<string, double[]>(StringComparer.Ordinal);
        for (int c = 0; c < names.Length; c++) columns[names[c]] = values[c].ToArray();
        return new CsvTable(source, names, columns, values.Count == 0 ? 0 : values[0].Count);
    }

    private static string[] CheckHeader(string[] names, string source, List<List<double>> values)
    {
        var duplicate = names.GroupBy(n => n, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new DataFormatException($"{source}: column '{duplicate.Key}' appears twice in the header.");
        if (names.Any(string.IsNullOrWhiteSpace)) throw new DataFormatException($"{source}: the header has an empty column name.");
        foreach (var _ in names) values.Add([]);
        return names;
    }

    public bool HasColumn(string name) => _columns.ContainsKey(name);

    /// <summary>A column's values (NaN where missing); an unknown name is an error listing the columns.</summary>
    public double[] Column(string name)
    {
        if (_columns.TryGetValue(name, out var column)) return column;
        throw new DataFormatException($"{Source}: no column '{name}'; the columns are {string.Join(", ", ColumnNames.Select(n => $"'{n}'"))}.");
    }

    private static double ParseCell(string? cell, string source, int row, string column)
    {
        if (string.IsNullOrEmpty(cell) || cell is "NA" or "NaN") return double.NaN;
        if (double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value)) return value;
        throw new DataFormatException($"{source}, row {row}, column '{column}': '{cell}' is not a number.");
    }
}
