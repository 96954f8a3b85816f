using Mpc.Data;

namespace Mpc.Scripting.Worker;

/// <summary>The cells of a party's dataset as the worker receives them (the daemon read the file; the worker never sees its path).</summary>
internal sealed class WorkerDataset
{
    public required string Source { get; init; }

    public required string Name { get; init; }

    public required string[] ColumnNames { get; init; }

    public required int[] Lines { get; init; }

    public required string?[][] Columns { get; init; }

    // The worker's own detail texts name the dataset by its public name; the daemon's log adds the path.
    public static WorkerDataset From(CsvTable table) => new()
    {
        Source = SourceOf(table),
        Name = table.Name,
        ColumnNames = [.. table.ColumnNames],
        Lines = [.. table.Lines],
        Columns = table.ColumnNames.Select(name => table.Text(name).ToArray()).ToArray(),
    };

    public static string SourceOf(CsvTable table) => $"dataset '{table.Name}'";

    public CsvTable ToTable() => CsvTable.FromCells(Source, Name, ColumnNames, Columns, Lines);

    public void Write(BinaryWriter writer)
    {
        writer.Write(Source);
        writer.Write(Name);
        writer.Write(ColumnNames.Length);
        writer.Write(Lines.Length);
        foreach (var name in ColumnNames) writer.Write(name);
        foreach (var line in Lines) writer.Write(line);
        foreach (var column in Columns)
        {
            foreach (var cell in column)
            {
                writer.Write(cell is not null);
                if (cell is not null) writer.Write(cell);
            }
        }
    }

    public static WorkerDataset Read(BinaryReader reader, int limit)
    {
        string source = reader.ReadString();
        string name = reader.ReadString();
        int columns = WorkerStart.Count(reader, limit);
        int rows = WorkerStart.Count(reader, limit);
        var names = new string[columns];
        for (int c = 0; c < columns; c++) names[c] = reader.ReadString();
        var lines = new int[rows];
        for (int r = 0; r < rows; r++) lines[r] = reader.ReadInt32();
        var cells = new string?[columns][];
        for (int c = 0; c < columns; c++)
        {
            cells[c] = new string?[rows];
            for (int r = 0; r < rows; r++) cells[c][r] = reader.ReadBoolean() ? reader.ReadString() : null;
        }
        return new WorkerDataset { Source = source, Name = name, ColumnNames = names, Lines = lines, Columns = cells };
    }
}
