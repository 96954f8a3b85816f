using System.Runtime.CompilerServices;
using Mpc.Core;
using Mpc.Federation.Protocols;
using Mpc.Runtime;
using Mpc.Runtime.Protocols;

namespace Mpc.Scripting;

/// <summary>
/// The API a protocol script's body uses: this party's data and parameters, turning values into
/// secrets, arithmetic, comparisons and functions on secrets, and declared outputs. Secrets are
/// Z_2^128 fixed-point values (<see cref="Secret{T}"/> of UInt128); + and - are local operators,
/// everything that communicates is awaited.
/// </summary>
public sealed class ScriptSession
{
    private readonly ProtocolContext _context;
    private readonly IReadOnlyList<string> _stages;
    private readonly Dictionary<string, OutputKind> _outputKinds;
    // The local cells or groups behind a library result, checked against the party's disclosure limits when it is output.
    private readonly ConditionalWeakTable<Secret<UInt128>, LocalSizes> _behind = new();

    internal ScriptSession(MpcRuntime<UInt128> runtime, ProtocolContext context, IReadOnlyList<string> stages, IReadOnlyList<OutputDefinition>? outputs = null)
    {
        Runtime = runtime;
        _context = context;
        _stages = stages;
        _outputKinds = (outputs ?? []).ToDictionary(o => o.Name, o => o.Kind, StringComparer.Ordinal);
        Parameters = new ScriptParameters(context.Parameters);
        Survival = new SurvivalApi(this, context);
        Regression = new RegressionApi(this, context);
        Boltzmann = new BoltzmannApi(this, context);
    }

    /// <summary>Releases with differential privacy: distributed Skellam noise on pooled integer counts.</summary>
    public Task<Mpc.Runtime.NoisedRelease> ReleaseCounts(string name, double[] localCounts, double epsilon, double delta, int honestParties, double l1Sensitivity = 1, double l2Sensitivity = 1) =>
        Mpc.Privacy.DistributedSkellam.ReleaseSumAsync(Runtime, localCounts, name, epsilon, delta, l1Sensitivity, l2Sensitivity, honestParties);

    /// <summary>Regression models fitted on the pooled rows.</summary>
    public RegressionApi Regression { get; }

    /// <summary>Boltzmann machines (RBM, DBN, DBM) trained on the pooled rows, and synthetic data from them.</summary>
    public BoltzmannApi Boltzmann { get; }

    /// <summary>Survival analysis: the logrank test on the pooled rows.</summary>
    public SurvivalApi Survival { get; }

    /// <summary>The runtime, for library code that implements heavier protocols.</summary>
    public MpcRuntime<UInt128> Runtime { get; }

    public ScriptParameters Parameters { get; }

    public int PartyIndex => Runtime.PartyIndex;

    public int PartyCount => Runtime.PartyCount;

    public string PartyName => Runtime.PartyName;

    public int FractionalBits => Runtime.Format.FractionalBits;

    // Parameters.

    public string Text(string name) => Parameters.Text(name);

    public double Number(string name) => Parameters.Number(name);

    public int Integer(string name) => Parameters.Integer(name);

    public bool Flag(string name) => Parameters.Flag(name);

    public IReadOnlyList<string> List(string name) => Parameters.List(name);

    public double[] Numbers(string name) => Parameters.Numbers(name);

    // This party's data (never leaves the party).

    /// <summary>The columns of this party's dataset.</summary>
    public IReadOnlyList<string> ColumnNames => _context.Dataset.ColumnNames;

    /// <summary>Rows of this party's dataset.</summary>
    public int Rows => _context.Dataset.RowCount;

    /// <summary>A column of this party's dataset (NaN where missing).</summary>
    public double[] Column(string name) => _context.Dataset.Column(name);

    // Making secrets.

    /// <summary>Element-wise sum of every party's vector (equal lengths), secret-shared; no communication but a length check.</summary>
    public Task<Secret<UInt128>> SumAcrossParties(double[] local, bool integer = false) =>
        Input.SumAcrossPartiesAsync(Runtime, local, 1, integer ? 0 : FractionalBits);

    /// <summary>Every party's rows stacked in party order, secret-shared (row counts become public).</summary>
    public async Task<Secret<UInt128>> Stack(double[] local, bool integer = false)
    {
        var parts = new List<Secret<UInt128>>();
        for (int owner = 0; owner < PartyCount; owner++)
            parts.Add(await Input.ShareAsync(Runtime, owner, owner == PartyIndex ? local : null, 1, integer ? 0 : FractionalBits).ConfigureAwait(false));
        return Secret<UInt128>.Concatenate(parts);
    }

    /// <summary>Public values as a secret (every party knows them).</summary>
    public Secret<UInt128> Public(params double[] values) => Input.Public(Runtime, values, values.Length, 1, FractionalBits);

    /// <summary>Stacks secrets into one vector (local).</summary>
    public Secret<UInt128> Concat(params Secret<UInt128>[] parts) => Secret<UInt128>.Concatenate(parts);

    // Arithmetic.

    public Task<Secret<UInt128>> Mul(Secret<UInt128> a, Secret<UInt128> b) => Multiplication.MultiplyAsync(Runtime, a, b);

    public Task<Secret<UInt128>> Mul(Secret<UInt128> a, double constant) => Multiplication.MultiplyPublicAsync(Runtime, a, new[] { constant });

    public Task<Secret<UInt128>> Dot(Secret<UInt128> a, Secret<UInt128> b) => Multiplication.DotAsync(Runtime, a, b);

    public Task<Secret<UInt128>> MatMul(Secret<UInt128> a, Secret<UInt128> b) => Multiplication.MatrixMultiplyAsync(Runtime, a, b);

    public Task<Secret<UInt128>> Div(Secret<UInt128> a, Secret<UInt128> b) => Division.DivideAsync(Runtime, a, b);

    public Task<Secret<UInt128>> Reciprocal(Secret<UInt128> a) => Mpc.Runtime.Protocols.Reciprocal.ComputeAsync(Runtime, a);

    public Task<Secret<UInt128>> Sqrt(Secret<UInt128> a) => SquareRoot.ComputeAsync(Runtime, a);

    public Task<Secret<UInt128>> Exp(Secret<UInt128> a) => Exponential.ComputeAsync(Runtime, a);

    public Task<Secret<UInt128>> Sigmoid(Secret<UInt128> a) => Mpc.Runtime.Protocols.Sigmoid.ComputeAsync(Runtime, a);

    // Comparisons: results are secret bits (0 or 1).

    public Task<Secret<UInt128>> LessThan(Secret<UInt128> a, Secret<UInt128> b) => Comparison.LessThanAsync(Runtime, a, b);

    public Task<Secret<UInt128>> LessThan(Secret<UInt128> a, double b) => Comparison.LessThanZeroAsync(Runtime, a - b);

    public Task<Secret<UInt128>> GreaterOrEqual(Secret<UInt128> a, Secret<UInt128> b) => Comparison.GreaterThanOrEqualAsync(Runtime, a, b);

    public Task<Secret<UInt128>> Equal(Secret<UInt128> a, Secret<UInt128> b) => Comparison.EqualsAsync(Runtime, a, b);

    public Task<Secret<UInt128>> Select(Secret<UInt128> bit, Secret<UInt128> ifOne, Secret<UInt128> ifZero) => Comparison.SelectAsync(Runtime, bit, ifOne, ifZero);

    public Task<Secret<UInt128>> Max(Secret<UInt128> a, Secret<UInt128> b) => Comparison.MaximumAsync(Runtime, a, b);

    public Task<Secret<UInt128>> Abs(Secret<UInt128> a) => Comparison.AbsoluteAsync(Runtime, a);

    /// <summary>For each public threshold t_j, how many elements are &gt;= t_j: one batch of comparisons, a vector of counts.</summary>
    public async Task<Secret<UInt128>> CountAtLeast(Secret<UInt128> values, double[] thresholds)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(thresholds);
        var shifted = Secret<UInt128>.Concatenate(thresholds.Select(t => values - t).ToList());
        var below = await Comparison.LessThanZeroAsync(Runtime, shifted).ConfigureAwait(false);
        int n = values.Length;
        var counts = thresholds.Select((_, j) => (below.Slice(j * n, n).Sum() * -1) + n).ToList();
        return Secret<UInt128>.Concatenate(counts);
    }

    // Outputs.

    /// <summary>
    /// Releases a declared output to the analyst (only the analyst learns it). A result of the library
    /// (a test's counts or statistic) first passes the party's disclosure limits on the rows behind it.
    /// </summary>
    public Task Output(string name, Secret<UInt128> value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (_behind.TryGetValue(value, out var sizes)) Runtime.RevealPolicy.CheckDisclosure(name, sizes.Kind, sizes.Column, sizes.Sizes);
        return Opening.OutputAsync(Runtime, value, name);
    }

    /// <summary>
    /// Releases exact counts to the analyst: this party's own counts behind every cell
    /// (<paramref name="localCells"/>, from column <paramref name="column"/>) must each be 0 or at least its
    /// minimum cell count. An output declared with OutputKind.Counts opens only this way.
    /// </summary>
    public Task OutputCounts(string name, Secret<UInt128> value, double[] localCells, string column = "")
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(localCells);
        if (localCells.Length == 0) throw new ArgumentException(ScriptMessages.NoLocalCells(name), nameof(localCells));
        // A library result's own cells are checked too: the script's numbers may only add to them.
        if (_behind.TryGetValue(value, out var sizes)) Runtime.RevealPolicy.CheckDisclosure(name, DisclosureKind.CellCounts, sizes.Column, sizes.Sizes);
        Runtime.RevealPolicy.CheckDisclosure(name, DisclosureKind.CellCounts, column ?? "", localCells);
        return Opening.OutputAsync(Runtime, value, name);
    }

    /// <summary>
    /// Checks the rows behind an exact statistic before it is output: this party's own group sizes
    /// (<paramref name="localGroupSizes"/>, groups of column <paramref name="column"/>) must each be 0 or at
    /// least its minimum group size.
    /// </summary>
    public void CheckGroups(string output, double[] localGroupSizes, string column = "")
    {
        ArgumentNullException.ThrowIfNull(localGroupSizes);
        Runtime.RevealPolicy.CheckDisclosure(output, DisclosureKind.GroupSizes, column ?? "", localGroupSizes);
    }

    /// <summary>Refuses a library call that would open <paramref name="output"/> to the parties unless the script declared it of <paramref name="kind"/>.</summary>
    internal void RequireKind(string output, OutputKind kind)
    {
        if (!_outputKinds.TryGetValue(output, out var declared) || declared != kind)
            throw new ArgumentException(ScriptMessages.OutputKindRequired(output, kind.ToString()), nameof(output));
    }

    // The library says what lies behind its results; scripts cannot, so a script's own numbers never skip a check.
    internal void Behind(Secret<UInt128> value, DisclosureKind kind, string column, double[] localSizes) => _behind.AddOrUpdate(value, new LocalSizes(kind, column, localSizes));

    private sealed record LocalSizes(DisclosureKind Kind, string Column, double[] Sizes);

    /// <summary>Reports progress to the analyst: a stage the script declared with Stage("...") and a fraction in [0, 1].</summary>
    public void Progress(string stage, double fraction)
    {
        ArgumentNullException.ThrowIfNull(stage);
        if (!_stages.Contains(stage)) throw new ArgumentException(ScriptMessages.UndeclaredStage(stage), nameof(stage));
        LibraryProgress(stage, fraction);
    }

    // The script API's own stages are fixed names in this assembly, not analyst text, so they need no declaration.
    internal void LibraryProgress(string stage, double fraction) => _context.ReportProgress(stage, double.IsNaN(fraction) ? 0 : Math.Clamp(fraction, 0, 1));
}
