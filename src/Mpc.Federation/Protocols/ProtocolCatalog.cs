namespace Mpc.Federation.Protocols;

/// <summary>The protocols a daemon or analyst knows, by name.</summary>
public sealed class ProtocolCatalog
{
    private readonly Dictionary<string, IProtocolDefinition> _byName = new(StringComparer.Ordinal);
    private readonly Func<string, string, IProtocolDefinition>? _scriptCompiler;

    public ProtocolCatalog(IEnumerable<IProtocolDefinition> protocols, Func<string, string, IProtocolDefinition>? scriptCompiler = null)
    {
        ArgumentNullException.ThrowIfNull(protocols);
        foreach (var protocol in protocols) _byName.Add(protocol.Name, protocol);
        _scriptCompiler = scriptCompiler;
    }

    /// <summary>The same protocols, plus scripts compiled by the given function (source, name) on demand.</summary>
    public ProtocolCatalog WithScriptCompiler(Func<string, string, IProtocolDefinition> compiler) => new(_byName.Values, compiler);

    /// <summary>Whether this catalog compiles scripts (a daemon's does; the built-in catalog alone does not).</summary>
    public bool CompilesScripts => _scriptCompiler is not null;

    /// <summary>Compiles a script sent with a session request; throws when this catalog takes no scripts.</summary>
    public IProtocolDefinition CompileScript(string source, string name) =>
        (_scriptCompiler ?? throw new ProtocolParameterException([FederationErrors.ScriptsNotRun]))(source, name);

    /// <summary>The protocols that ship with Mpc.</summary>
    public static ProtocolCatalog BuiltIn { get; } = new(
    [
        new SecureSumProtocol(),
        new VectorSumProtocol(),
        new PooledStatisticsProtocol(),
        new SummaryProtocol(),
        new ContingencyTableProtocol(),
        new TTestProtocol(),
        new LinearRegressionProtocol(),
        new MultiplicationBenchmarkProtocol(),
    ]);

    public IEnumerable<IProtocolDefinition> All => _byName.Values;

    public IProtocolDefinition? Find(string name) => _byName.GetValueOrDefault(name);

    public IProtocolDefinition Get(string name) =>
        Find(name) ?? throw new ProtocolParameterException([FederationErrors.UnknownProtocol(name, _byName.Keys.Order(StringComparer.Ordinal))]);
}
