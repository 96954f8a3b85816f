using Microsoft.CodeAnalysis.Scripting;
using Mpc.Core;
using Mpc.Data;
using Mpc.Federation.Protocols;
using Mpc.Runtime;

namespace Mpc.Scripting;

/// <summary>
/// A compiled protocol script as a protocol definition: its id is the content hash that parties
/// approve, its declarations are read from its syntax (<see cref="ScriptDeclarations"/>) without
/// running any of it, and each session runs the declared body on the party's data under the
/// script time limit. Only the analyst's own client runs the top level, lazily, for the label and
/// derivation lambdas (<see cref="Labels"/>, <see cref="Derive"/>).
/// </summary>
public sealed class ScriptProtocol : IProtocolDefinition
{
    // Each label or derivation call at the analyst gets its own limit: a cached script may run them long after it was compiled.
    private static readonly TimeSpan AnalystLimit = TimeSpan.FromSeconds(60);
    // Loaded only where the script runs in this process (the analyst's client, the in-process harness), never in a daemon.
    private readonly Lazy<ScriptRunner<object>> _runner;
    private readonly Lazy<ScriptGlobals> _analystGlobals;
    private readonly Func<ScriptRunner<object>> _runnerFactory;

    internal ScriptProtocol(string name, string hash, string source, string file, ScriptDeclarations declarations, Worker.ScriptImage image, Func<ScriptRunner<object>> runner)
    {
        _runnerFactory = runner;
        Name = name;
        Id = hash;
        Source = source;
        File = file;
        Image = image;
        Declarations = declarations;
        _runner = new Lazy<ScriptRunner<object>>(runner);
        _analystGlobals = new Lazy<ScriptGlobals>(RunTopLevel, LazyThreadSafetyMode.ExecutionAndPublication);
        Format = new FixedPointFormat(128, declarations.FractionalBits);
        Parameters = declarations.Parameters.Any(p => p.Name == ProtocolValidation.DatasetParameter.Name)
            ? declarations.Parameters
            : [.. declarations.Parameters, ProtocolValidation.DatasetParameter];
    }

    public string Name { get; }

    /// <summary>The same compiled script under another name (the image's line numbers still refer to the file it was compiled from).</summary>
    internal ScriptProtocol Named(string name, string file) => new(name, Id, Source, file, Declarations, Image, _runnerFactory);

    /// <summary>"sha256:" and the hex SHA-256 of the UTF-8 bytes of <see cref="Source"/>, exactly the text compiled.</summary>
    public string Id { get; }

    /// <summary>The exact text that was compiled and hashed; a session request carries this string.</summary>
    public string Source { get; }

    /// <summary>The file name the script was compiled under (its line numbers refer to it).</summary>
    public string File { get; }

    /// <summary>The compiled script, as each session's worker process loads it.</summary>
    internal Worker.ScriptImage Image { get; }

    /// <summary>What the script declares, read without running it.</summary>
    public ScriptDeclarations Declarations { get; }

    public string Description => Declarations.Description;

    /// <summary>The declared parameters, plus the standard dataset parameter unless the script declares its own.</summary>
    public IReadOnlyList<ParameterDefinition> Parameters { get; }

    public IReadOnlyList<OutputDefinition> Outputs => Declarations.Outputs;

    /// <summary>The progress stage names the body may report.</summary>
    public IReadOnlyList<string> Stages => Declarations.Stages;

    public FixedPointFormat Format { get; }

    public IReadOnlyList<string> Validate(ProtocolParameters parameters, CsvTable dataset) =>
        ProtocolValidation.CheckColumns(Parameters, parameters, dataset, Declarations.MissingValuesAllowed);

    /// <summary>Runs the session's part of the script in a confined worker process (see <see cref="Worker.ScriptWorkerHost"/>).</summary>
    public Task RunAsync(ProtocolContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new Worker.ScriptWorkerHost(Image, Name, File, Source.Count(c => c == '\n') + 1, Format, Declarations.Stages, context).RunAsync();
    }

    /// <summary>Runs the script in this process: for the in-process harness only, never in a daemon.</summary>
    internal Task RunInProcessAsync(ProtocolContext context) => ScriptExecution.RunAsync(globals => _runner.Value(globals), context, Format, Declarations.Stages);

    /// <summary>The declared labels of an output, from the analyst's parameters; runs the script's Label lambda (analyst only).</summary>
    public IReadOnlyList<string>? Labels(string output, ProtocolParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(parameters);
        if (!Declarations.LabelledOutputs.Contains(output)) return null;
        using var armed = ScriptGuard.Arm(AnalystLimit);
        if (!_analystGlobals.Value.OutputLabels.TryGetValue(output, out var labels)) return null;
        // Copied while armed: a script's own list type must not run code later, unguarded.
        return labels(new ScriptParameters(parameters))?.ToList();
    }

    /// <summary>The derived outputs, computed in the clear from the revealed ones; runs the script's Derive lambda (analyst only).</summary>
    public IReadOnlyDictionary<string, double[]> Derive(IReadOnlyDictionary<string, double[]> outputs, ProtocolParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(outputs);
        ArgumentNullException.ThrowIfNull(parameters);
        if (!Declarations.HasDerivation) return new Dictionary<string, double[]>();
        using var armed = ScriptGuard.Arm(AnalystLimit);
        var derivation = _analystGlobals.Value.Derivation ?? throw new InvalidOperationException(ScriptingErrors.TopLevelOutOfStep("Derive(...)"));
        return derivation(outputs, new ScriptParameters(parameters))?.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal) ?? new Dictionary<string, double[]>();
    }

    // The top level holds declarations only (the reader refuses anything else); it runs under the caller's armed guard.
    private ScriptGlobals RunTopLevel()
    {
        var globals = new ScriptGlobals();
        _runner.Value(globals).GetAwaiter().GetResult();
        return globals;
    }
}
