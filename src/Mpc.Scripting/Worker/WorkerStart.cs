namespace Mpc.Scripting.Worker;

/// <summary>
/// Everything a script worker gets from its daemon for one session, and nothing else: the compiled
/// script, the session's parties, pairwise seeds and dealer material, the bound parameters and the
/// cells of this party's dataset. No key, no path, no ledger.
/// </summary>
/// <remarks>
/// Layout (BinaryWriter): script name, script file, i32+bytes assembly, i32+bytes symbols, entry type,
/// entry method, i32 fractional bits, i32 declared stage count then the stage names, f64 time limit in seconds, i32 party index, i32 party count then the
/// names, per party a bool and 16 seed bytes when present, preprocessing, i32+bytes dealer material,
/// i32 parameter count then name/value pairs, the disclosure limits (dataset name, i32 minimum cell count, i32 minimum group size,
/// bool exact intermediates, bool suppression, i32 bounds count then per column its name and f64 lower and upper), bool dataset present, then its source, its name, i32 columns, i32 rows,
/// the column names, the row lines (i32 each), and per column per row a bool present and the cell text.
/// </remarks>
internal sealed class WorkerStart
{
    public required string ScriptName { get; init; }

    public required string ScriptFile { get; init; }

    public required byte[] Assembly { get; init; }

    public required byte[] Symbols { get; init; }

    public required string EntryType { get; init; }

    public required string EntryMethod { get; init; }

    public required int FractionalBits { get; init; }

    public required string[] Stages { get; init; }

    public required double TimeLimitSeconds { get; init; }

    public required int PartyIndex { get; init; }

    public required string[] PartyNames { get; init; }

    public required byte[]?[] PairSeeds { get; init; }

    public required Mpc.Runtime.PreprocessingMode Preprocessing { get; init; }

    public required byte[] DealerMaterial { get; init; }

    public required IReadOnlyDictionary<string, string> Parameters { get; init; }

    public WorkerDataset? Dataset { get; init; }

    /// <summary>The party's disclosure limits for the dataset: the script suppresses by them, the daemon still checks every release.</summary>
    public required Mpc.Federation.Protocols.DisclosureLimits Limits { get; init; }

    public byte[] Encode()
    {
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer))
        {
            writer.Write(ScriptName);
            writer.Write(ScriptFile);
            WriteBytes(writer, Assembly);
            WriteBytes(writer, Symbols);
            writer.Write(EntryType);
            writer.Write(EntryMethod);
            writer.Write(FractionalBits);
            writer.Write(Stages.Length);
            foreach (var stage in Stages) writer.Write(stage);
            writer.Write(TimeLimitSeconds);
            writer.Write(PartyIndex);
            writer.Write(PartyNames.Length);
            foreach (var name in PartyNames) writer.Write(name);
            foreach (var seed in PairSeeds)
            {
                writer.Write(seed is not null);
                if (seed is not null) WriteBytes(writer, seed);
            }
            writer.Write(Mpc.Runtime.PreprocessingEngines.Name(Preprocessing));
            WriteBytes(writer, DealerMaterial);
            writer.Write(Parameters.Count);
            foreach (var (name, value) in Parameters)
            {
                writer.Write(name);
                writer.Write(value);
            }
            writer.Write(Limits.Dataset);
            writer.Write(Limits.MinCellCount);
            writer.Write(Limits.MinGroupSize);
            writer.Write(Limits.ExactIntermediates);
            writer.Write(Limits.AllowSuppression);
            var bounds = Limits.Bounds ?? new Dictionary<string, Mpc.Federation.Protocols.ColumnRange>();
            writer.Write(bounds.Count);
            foreach (var (column, range) in bounds)
            {
                writer.Write(column);
                writer.Write(range.Lower);
                writer.Write(range.Upper);
            }
            writer.Write(Dataset is not null);
            Dataset?.Write(writer);
        }
        return buffer.ToArray();
    }

    public static WorkerStart Decode(byte[] body)
    {
        using var reader = new BinaryReader(new MemoryStream(body));
        string scriptName = reader.ReadString();
        string scriptFile = reader.ReadString();
        var assembly = ReadBytes(reader);
        var symbols = ReadBytes(reader);
        string entryType = reader.ReadString();
        string entryMethod = reader.ReadString();
        int fractionalBits = reader.ReadInt32();
        var stages = new string[Count(reader, body.Length)];
        for (int i = 0; i < stages.Length; i++) stages[i] = reader.ReadString();
        double limit = reader.ReadDouble();
        int index = reader.ReadInt32();
        var names = new string[Count(reader, body.Length)];
        for (int i = 0; i < names.Length; i++) names[i] = reader.ReadString();
        var seeds = new byte[]?[names.Length];
        for (int i = 0; i < seeds.Length; i++) seeds[i] = reader.ReadBoolean() ? ReadBytes(reader) : null;
        string preprocessingName = reader.ReadString();
        if (!Mpc.Runtime.PreprocessingEngines.TryParse(preprocessingName, out var preprocessing)) throw new InvalidDataException(ScriptingErrors.UnknownEngineInMessage);
        var dealer = ReadBytes(reader);
        int parameterCount = Count(reader, body.Length);
        var parameters = new Dictionary<string, string>(parameterCount, StringComparer.Ordinal);
        for (int i = 0; i < parameterCount; i++) parameters[reader.ReadString()] = reader.ReadString();
        var limits = new Mpc.Federation.Protocols.DisclosureLimits(reader.ReadString(), reader.ReadInt32(), reader.ReadInt32(), reader.ReadBoolean(), reader.ReadBoolean());
        int boundCount = Count(reader, body.Length);
        var ranges = new Dictionary<string, Mpc.Federation.Protocols.ColumnRange>(boundCount, StringComparer.Ordinal);
        for (int i = 0; i < boundCount; i++) ranges[reader.ReadString()] = new(reader.ReadDouble(), reader.ReadDouble());
        limits = limits with { Bounds = ranges };
        if (limits.MinCellCount < 1 || limits.MinGroupSize < 1) throw new InvalidDataException("A worker message carries limits below 1.");
        bool hasDataset = reader.ReadBoolean();
        return new WorkerStart
        {
            ScriptName = scriptName, ScriptFile = scriptFile, Assembly = assembly, Symbols = symbols, EntryType = entryType, EntryMethod = entryMethod,
            FractionalBits = fractionalBits, Stages = stages, TimeLimitSeconds = limit, PartyIndex = index, PartyNames = names, PairSeeds = seeds, Preprocessing = preprocessing,
            DealerMaterial = dealer, Parameters = parameters, Limits = limits,
            Dataset = hasDataset ? WorkerDataset.Read(reader, body.Length) : null,
        };
    }

    internal static void WriteBytes(BinaryWriter writer, byte[] bytes)
    {
        writer.Write(bytes.Length);
        writer.Write(bytes);
    }

    internal static byte[] ReadBytes(BinaryReader reader)
    {
        int length = Count(reader, (int)reader.BaseStream.Length);
        return reader.ReadBytes(length);
    }

    // A count can never exceed the bytes that carry it.
    internal static int Count(BinaryReader reader, int limit)
    {
        int count = reader.ReadInt32();
        if (count < 0 || count > limit) throw new InvalidDataException(ScriptingErrors.CountOutOfRange(count));
        return count;
    }
}
