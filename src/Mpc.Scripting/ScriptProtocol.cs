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
    private readonly Lazy<ScriptRunner<object>> _runner;
    private readonly ScriptGlobals _declarations;

    internal ScriptProtocol(string name, string hash, string source, string file, Worker.ScriptImage image, Func<ScriptRunner<object>> runner)
    {
        Name = name;
        Id = hash;
        Source = source;
        File = file;
        Image = image;
        _runner = new Lazy<ScriptRunner<object>>(runner);
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

    /// <summary>The file name the script was compiled under (its line numbers refer to it).</summary>
    public string File { get; }

    /// <summary>The compiled script, as each session's worker process loads it.</summary>
    internal Worker.ScriptImage Image { get; }

    /// <summary>Progress stage names a session may report: the script's declared stages and the script libraries' own.</summary>
    internal IReadOnlySet<string> Stages { get; } = ScriptExecution.LibraryStages;

    public string Description => _declarations.DeclaredDescription;

    /// <summary>The declared parameters, plus the standard dataset parameter unless the script declares its own.</summary>
    public IReadOnlyList<ParameterDefinition> Parameters { get; private set; } = [];

    public IReadOnlyList<OutputDefinition> Outputs => _declarations.DeclaredOutputs;

    public FixedPointFormat Format { get; }

    public IReadOnlyList<string> Validate(ProtocolParameters parameters, CsvTable dataset) =>
        ProtocolValidation.CheckColumns(Parameters, parameters, dataset, _declarations.MissingValuesAllowed);

    /// <summary>Runs the session's part of the script in a confined worker process (see <see cref="Worker.ScriptWorkerHost"/>).</summary>
    public Task RunAsync(ProtocolContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new Worker.ScriptWorkerHost(Image, Name, File, Format, Stages, context).RunAsync();
    }

    /// <summary>Runs the script in this process: for the in-process harness only, never in a daemon.</summary>
    internal Task RunInProcessAsync(ProtocolContext context) => ScriptExecution.RunAsync(globals => _runner.Value(globals), context, Format);

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
            var run = _runner.Value(globals);
            await (wallClock ? run.WaitAsync(limit) : run).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new ScriptTimeoutException(limit);
        }
        return globals;
    }
}
