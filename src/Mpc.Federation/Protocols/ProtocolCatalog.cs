namespace Mpc.Federation.Protocols;

/// <summary>The protocols a daemon or analyst knows, by name.</summary>
public sealed class ProtocolCatalog
{
    private readonly Dictionary<string, IProtocolDefinition> _byName = new(StringComparer.Ordinal);

    public ProtocolCatalog(IEnumerable<IProtocolDefinition> protocols)
    {
        ArgumentNullException.ThrowIfNull(protocols);
        foreach (var protocol in protocols) _byName.Add(protocol.Name, protocol);
    }

    /// <summary>The protocols that ship with Mpc.</summary>
    public static ProtocolCatalog BuiltIn { get; } = new(
    [
        new SecureSumProtocol(),
        new VectorSumProtocol(),
        new PooledStatisticsProtocol(),
        new MultiplicationBenchmarkProtocol(),
    ]);

    public IEnumerable<IProtocolDefinition> All => _byName.Values;

    public IProtocolDefinition? Find(string name) => _byName.GetValueOrDefault(name);

    public IProtocolDefinition Get(string name) =>
        Find(name) ?? throw new ProtocolParameterException([$"unknown protocol '{name}'; known protocols: {string.Join(", ", _byName.Keys.Order(StringComparer.Ordinal))}"]);
}
