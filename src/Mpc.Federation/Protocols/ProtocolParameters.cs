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
    public string Hash()
    {
        var canonical = new StringBuilder();
        foreach (var (name, value) in _values.OrderBy(p => p.Key, StringComparer.Ordinal)) canonical.Append(name).Append('=').Append(value).Append('\n');
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical.ToString())));
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
