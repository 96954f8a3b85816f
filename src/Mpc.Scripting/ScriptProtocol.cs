using Microsoft.CodeAnalysis.Scripting;
using Mpc.Core;
using Mpc.Data;
using Mpc.Federation.Protocols;
using Mpc.Runtime;

namespace Mpc.Scripting;

/// <summary>
/// A compiled protocol script as a protocol definition: its id is the content hash that parties
/// approve, its declarations come from running the script's top level (which touches no data),
/// and each session runs the declared body on the party's data under the script time limit.
/// </summary>
public sealed class ScriptProtocol : IProtocolDefinition
{
    // Runaway top-level code is stopped by the loop guard; the declarations themselves take milliseconds.
    private static readonly TimeSpan DeclarationLimit = TimeSpan.FromSeconds(60);
    private readonly ScriptRunner<object> _runner;
    private readonly ScriptGlobals _declarations;

    internal ScriptProtocol(string name, string hash, string source, ScriptRunner<object> runner)
    {
        Name = name;
        Id = hash;
        Source = source;
        _runner = runner;
        _declarations = Declare();
        Format = new FixedPointFormat(128, _declarations.DeclaredFractionalBits);
        Parameters = _declarations.DeclaredParameters.Any(p => p.Name == ProtocolValidation.DatasetParameter.Name)
            ? _declarations.DeclaredParameters
            : [.. _declarations.DeclaredParameters, ProtocolValidation.DatasetParameter];
    }

    public string Name { get; }

    /// <summary>"sha256:" and the hex SHA-256 of the script text.</summary>
    public string Id { get; }

    public string Source { get; }

    public string Description => _declarations.DeclaredDescription;

    /// <summary>The declared parameters, plus the standard dataset parameter unless the script declares its own.</summary>
    public IReadOnlyList<ParameterDefinition> Parameters { get; private set; } = [];

    public IReadOnlyList<OutputDefinition> Outputs => _declarations.DeclaredOutputs;

    public FixedPointFormat Format { get; }

    public IReadOnlyList<string> Validate(ProtocolParameters parameters, CsvTable dataset) =>
        ProtocolValidation.CheckColumns(Parameters, parameters, dataset, _declarations.MissingValuesAllowed);

    public async Task RunAsync(ProtocolContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var limit = context.TimeLimit;
        var globals = await RunTopLevelAsync(limit, wallClock: true).ConfigureAwait(false);
        using var runtime = context.CreateRuntime<UInt128>(Format);
        var session = new ScriptSession(runtime, context);
        try
        {
            await globals.Body!(session).WaitAsync(limit, context.Cancellation).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new ScriptTimeoutException(limit);
        }
    }

    // The declarations' lambdas tick the guard armed when the script was compiled; a cached script may run them much later, so each call gets its own limit.
    public IReadOnlyList<string>? Labels(string output, ProtocolParameters parameters)
    {
        if (!_declarations.OutputLabels.TryGetValue(output, out var labels)) return null;
        _declarations.Guard.Arm(DeclarationLimit);
        return labels(new ScriptParameters(parameters));
    }

    public IReadOnlyDictionary<string, double[]> Derive(IReadOnlyDictionary<string, double[]> outputs, ProtocolParameters parameters)
    {
        if (_declarations.Derivation is null) return new Dictionary<string, double[]>();
        _declarations.Guard.Arm(DeclarationLimit);
        return _declarations.Derivation(outputs, new ScriptParameters(parameters));
    }

    /// <summary>The guard of the declarations' lambdas (labels, derivations), for tests.</summary>
    internal ScriptGuard DeclarationGuard => _declarations.Guard;

    private ScriptGlobals Declare()
    {
        var globals = RunTopLevelAsync(DeclarationLimit, wallClock: false).GetAwaiter().GetResult();
        if (globals.Body is null)
            throw new ScriptCompilationException([new ScriptDiagnostic(Name, 1, 1, "MPC002", "the script never calls Run(async mpc => { ... }) with its protocol body.")]);
        var undeclaredDerived = globals.DeclaredOutputs.Where(o => o.Kind == OutputKind.Derived).ToList();
        if (undeclaredDerived.Count > 0 && globals.Derivation is null)
            throw new ScriptCompilationException([new ScriptDiagnostic(Name, 1, 1, "MPC003", $"derived outputs ({string.Join(", ", undeclaredDerived.Select(o => o.Name))}) need a Derive(...) declaration.")]);
        return globals;
    }

    private async Task<ScriptGlobals> RunTopLevelAsync(TimeSpan limit, bool wallClock)
    {
        var globals = new ScriptGlobals();
        globals.Guard.Arm(limit);
        try
        {
            var run = _runner(globals);
            await (wallClock ? run.WaitAsync(limit) : run).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new ScriptTimeoutException(limit);
        }
        return globals;
    }
}
