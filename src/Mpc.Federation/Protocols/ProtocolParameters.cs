using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Mpc.Federation.Protocols;

/// <summary>
/// Parameter values checked against a protocol's declarations: unknown, missing and ill-typed
/// parameters are errors that name the parameter, before any party computes.
/// </summary>
public sealed class ProtocolParameters
{
    private readonly Dictionary<string, string> _values;

    private ProtocolParameters(Dictionary<string, string> values) => _values = values;

    /// <summary>The values as given plus defaults, in name order.</summary>
    public IReadOnlyDictionary<string, string> Values => _values;

    public static ProtocolParameters Bind(IReadOnlyList<ParameterDefinition> definitions, IReadOnlyDictionary<string, string> given)
    {
        ArgumentNullException.ThrowIfNull(definitions);
        ArgumentNullException.ThrowIfNull(given);
        var problems = new List<string>();
        foreach (var name in given.Keys.Where(k => definitions.All(d => d.Name != k)))
            problems.Add($"unknown parameter '{name}' (the protocol takes {string.Join(", ", definitions.Select(d => d.Name))})");
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var definition in definitions)
        {
            if (!given.TryGetValue(definition.Name, out var value))
            {
                if (definition.IsRequired)
                {
                    problems.Add($"missing parameter '{definition.Name}' ({definition.Description})");
                    continue;
                }
                value = definition.Default!;
            }
            string? error = Check(definition, value);
            if (error is not null) problems.Add($"parameter '{definition.Name}': {error}");
            else values[definition.Name] = value;
        }
        if (problems.Count > 0) throw new ProtocolParameterException(problems);
        return new ProtocolParameters(values);
    }

    /// <summary>Values bound already by the daemon, handed to its script worker (which binds nothing itself).</summary>
    internal static ProtocolParameters FromBound(IReadOnlyDictionary<string, string> values) => new(new Dictionary<string, string>(values, StringComparer.Ordinal));

    public string Text(string name) => _values[name];

    public int Integer(string name) => int.Parse(_values[name], NumberStyles.Integer, CultureInfo.InvariantCulture);

    public double Number(string name) => double.Parse(_values[name], NumberStyles.Float, CultureInfo.InvariantCulture);

    public bool Boolean(string name) => bool.Parse(_values[name]);

    public IReadOnlyList<string> List(string name) =>
        _values[name].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);

    public double[] Numbers(string name) =>
        List(name).Select(v => double.Parse(v, NumberStyles.Float, CultureInfo.InvariantCulture)).ToArray();

    /// <summary>Hex SHA-256 of the bound values, which every party compares at session start.</summary>
    /// <remarks>
    /// Encoding (injective, so two different parameter sets never share a hash): the ASCII tag
    /// "mpc-parameters-v1", then the count of parameters, then for each parameter in ordinal name order
    /// its name and its value, each written as its UTF-8 byte length (uint32 big-endian) followed by
    /// those bytes. Names and values may hold any character, '=' and newlines included.
    /// </remarks>
    public string Hash() => Convert.ToHexStringLower(SHA256.HashData(Canonical(_values)));

    private static byte[] Canonical(IReadOnlyDictionary<string, string> values)
    {
        using var buffer = new MemoryStream();
        buffer.Write("mpc-parameters-v1"u8);
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(length, (uint)values.Count);
        buffer.Write(length);
        foreach (var (name, value) in values.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            foreach (var text in new[] { name, value })
            {
                var bytes = Encoding.UTF8.GetBytes(text);
                BinaryPrimitives.WriteUInt32BigEndian(length, (uint)bytes.Length);
                buffer.Write(length);
                buffer.Write(bytes);
            }
        }
        return buffer.ToArray();
    }

    private static string? Check(ParameterDefinition definition, string value) => definition.Type switch
    {
        ParameterType.Integer when !int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out _) => $"'{value}' is not an integer",
        ParameterType.Number when !double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) || !double.IsFinite(d) => $"'{value}' is not a number",
        ParameterType.Boolean when !bool.TryParse(value, out _) => $"'{value}' is not true or false",
        ParameterType.NumberList when value.Length > 0 && value.Split(',', StringSplitOptions.TrimEntries).Any(v => !double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out _)) => $"'{value}' is not a comma-separated list of numbers",
        ParameterType.Column or ParameterType.ColumnList when string.IsNullOrWhiteSpace(value) && definition.Default is null => "a column name is needed",
        _ => null,
    };
}
