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
    /// <example>var release = await mpc.ReleaseCounts("counts", localCounts, mpc.Number("epsilon"), 1e-5, honestParties: 1);</example>
    public Task<Mpc.Runtime.NoisedRelease> ReleaseCounts(string name, double[] localCounts, double epsilon, double delta, int honestParties, double l1Sensitivity = 1, double l2Sensitivity = 1) =>
        Mpc.Privacy.Protocols.DistributedSkellam.ReleaseSumAsync(Runtime, localCounts, name, epsilon, delta, l1Sensitivity, l2Sensitivity, honestParties);

    /// <summary>Regression models fitted on the pooled rows.</summary>
    public RegressionApi Regression { get; }

    /// <summary>Boltzmann machines (RBM, DBN, DBM) trained on the pooled rows, and synthetic data from them.</summary>
    public BoltzmannApi Boltzmann { get; }

    /// <summary>Survival analysis: the logrank test on the pooled rows.</summary>
    public SurvivalApi Survival { get; }

    /// <summary>The runtime, for library code that implements heavier protocols.</summary>
    public MpcRuntime<UInt128> Runtime { get; }

    /// <summary>The session's parameters, as Label and Derive see them.</summary>
    public ScriptParameters Parameters { get; }

    /// <summary>This party's place in the roster, from 0 (the same script runs at every party).</summary>
    public int PartyIndex => Runtime.PartyIndex;

    /// <summary>How many parties run the session.</summary>
    public int PartyCount => Runtime.PartyCount;

    /// <summary>This party's name in the roster.</summary>
    public string PartyName => Runtime.PartyName;

    /// <summary>Fractional bits of the session's secrets (Precision, 40 by default).</summary>
    public int FractionalBits => Runtime.Format.FractionalBits;

    // Parameters.

    /// <summary>A text (or column) parameter of this session.</summary>
    /// <example>var x = mpc.Column(mpc.Text("column"));</example>
    public string Text(string name) => Parameters.Text(name);

    /// <summary>A number parameter of this session.</summary>
    /// <example>double epsilon = mpc.Number("epsilon");</example>
    public double Number(string name) => Parameters.Number(name);

    /// <summary>An integer parameter of this session.</summary>
    /// <example>int steps = mpc.Integer("steps");</example>
    public int Integer(string name) => Parameters.Integer(name);

    /// <summary>A boolean parameter of this session.</summary>
    /// <example>if (mpc.Flag("intercept")) { /* ... */ }</example>
    public bool Flag(string name) => Parameters.Flag(name);

    /// <summary>A comma-separated list parameter (such as a column list), as its items.</summary>
    /// <example>var features = mpc.List("features");</example>
    public IReadOnlyList<string> List(string name) => Parameters.List(name);

    /// <summary>A comma-separated list of numbers.</summary>
    /// <example>double[] levels = mpc.Numbers("levels");</example>
    public double[] Numbers(string name) => Parameters.Numbers(name);

    // This party's data (never leaves the party).

    /// <summary>The columns of this party's dataset.</summary>
    public IReadOnlyList<string> ColumnNames => _context.Dataset.ColumnNames;

    /// <summary>Rows of this party's dataset.</summary>
    public int Rows => _context.Dataset.RowCount;

    /// <summary>A column of this party's dataset (NaN where missing).</summary>
    /// <example>double[] age = mpc.Column("age");</example>
    public double[] Column(string name) => _context.Dataset.Column(name);

    // Making secrets.

    /// <summary>Element-wise sum of every party's vector (equal lengths), secret-shared; no communication but a length check.</summary>
    /// <example>var s = await mpc.SumAcrossParties(new[] { mpc.Rows, mpc.Column("age").Sum() });   // s[0]: pooled n, s[1]: pooled sum</example>
    public Task<Secret<UInt128>> SumAcrossParties(double[] local, bool integer = false) =>
        Input.SumAcrossPartiesAsync(Runtime, local, 1, integer ? 0 : FractionalBits);

    /// <summary>Every party's rows stacked in party order, secret-shared (row counts become public).</summary>
    /// <example>var rows = await mpc.Stack(mpc.Column("age"));   // every party's rows, as one secret vector</example>
    public async Task<Secret<UInt128>> Stack(double[] local, bool integer = false)
    {
        var parts = new List<Secret<UInt128>>();
        for (int owner = 0; owner < PartyCount; owner++)
            parts.Add(await Input.ShareAsync(Runtime, owner, owner == PartyIndex ? local : null, 1, integer ? 0 : FractionalBits).ConfigureAwait(false));
        return Secret<UInt128>.Concatenate(parts);
    }

    /// <summary>Public values as a secret (every party knows them).</summary>
    /// <example>var thresholds = mpc.Public(50, 60, 70);</example>
    public Secret<UInt128> Public(params double[] values) => Input.Public(Runtime, values, values.Length, 1, FractionalBits);

    /// <summary>Stacks secrets into one vector (local).</summary>
    /// <example>var both = mpc.Concat(mean, sd);</example>
    public Secret<UInt128> Concat(params Secret<UInt128>[] parts) => Secret<UInt128>.Concatenate(parts);

    // Arithmetic.

    /// <summary>Element-wise product of two secrets of equal length.</summary>
    /// <example>var squares = await mpc.Mul(x, x);</example>
    public Task<Secret<UInt128>> Mul(Secret<UInt128> a, Secret<UInt128> b) => Multiplication.MultiplyAsync(Runtime, a, b);

    /// <summary>Product with a public real (with rounding; use * long for an exact integer factor).</summary>
    /// <example>var half = await mpc.Mul(total, 0.5);</example>
    public Task<Secret<UInt128>> Mul(Secret<UInt128> a, double constant) => Multiplication.MultiplyPublicAsync(Runtime, a, new[] { constant });

    /// <summary>Inner product of two secret vectors, as a 1x1 secret.</summary>
    /// <example>var sxy = await mpc.Dot(x, y);</example>
    public Task<Secret<UInt128>> Dot(Secret<UInt128> a, Secret<UInt128> b) => Multiplication.DotAsync(Runtime, a, b);

    /// <summary>Matrix product (shapes from Reshape).</summary>
    /// <example>var xtx = await mpc.MatMul(x.Transpose(), x);</example>
    public Task<Secret<UInt128>> MatMul(Secret<UInt128> a, Secret<UInt128> b) => Multiplication.MatrixMultiplyAsync(Runtime, a, b);

    /// <summary>Element-wise quotient a / b of secrets (b positive).</summary>
    /// <example>var mean = await mpc.Div(s[1], s[0]);</example>
    public Task<Secret<UInt128>> Div(Secret<UInt128> a, Secret<UInt128> b) => Division.DivideAsync(Runtime, a, b);

    /// <summary>Element-wise 1 / a (a positive).</summary>
    /// <example>var inverse = await mpc.Reciprocal(n);</example>
    public Task<Secret<UInt128>> Reciprocal(Secret<UInt128> a) => Mpc.Runtime.Protocols.Reciprocal.ComputeAsync(Runtime, a);

    /// <summary>Element-wise square root (a non-negative).</summary>
    /// <example>var sd = await mpc.Sqrt(variance);</example>
    public Task<Secret<UInt128>> Sqrt(Secret<UInt128> a) => SquareRoot.ComputeAsync(Runtime, a);

    /// <summary>Element-wise e^a.</summary>
    /// <example>var odds = await mpc.Exp(logOdds);</example>
    public Task<Secret<UInt128>> Exp(Secret<UInt128> a) => Exponential.ComputeAsync(Runtime, a);

    /// <summary>Element-wise logistic function 1 / (1 + e^-a).</summary>
    /// <example>var p = await mpc.Sigmoid(eta);</example>
    public Task<Secret<UInt128>> Sigmoid(Secret<UInt128> a) => Mpc.Runtime.Protocols.Sigmoid.ComputeAsync(Runtime, a);

    // Comparisons: results are secret bits (0 or 1).

    /// <summary>Element-wise secret bit a &lt; b.</summary>
    /// <example>var younger = await mpc.LessThan(ageA, ageB);</example>
    public Task<Secret<UInt128>> LessThan(Secret<UInt128> a, Secret<UInt128> b) => Comparison.LessThanAsync(Runtime, a, b);

    /// <summary>Element-wise secret bit a &lt; b for a public threshold.</summary>
    /// <example>var under50 = (await mpc.LessThan(ages, 50)).Sum();   // how many, still secret</example>
    public Task<Secret<UInt128>> LessThan(Secret<UInt128> a, double b) => Comparison.LessThanZeroAsync(Runtime, a - b);

    /// <summary>Element-wise secret bit a &gt;= b.</summary>
    /// <example>var atLeast = await mpc.GreaterOrEqual(a, b);</example>
    public Task<Secret<UInt128>> GreaterOrEqual(Secret<UInt128> a, Secret<UInt128> b) => Comparison.GreaterThanOrEqualAsync(Runtime, a, b);

    /// <summary>Element-wise secret bit a == b.</summary>
    /// <example>var same = await mpc.Equal(a, b);</example>
    public Task<Secret<UInt128>> Equal(Secret<UInt128> a, Secret<UInt128> b) => Comparison.EqualsAsync(Runtime, a, b);

    /// <summary>Element-wise ifOne where bit is 1, else ifZero.</summary>
    /// <example>var larger = await mpc.Select(await mpc.LessThan(a, b), b, a);</example>
    public Task<Secret<UInt128>> Select(Secret<UInt128> bit, Secret<UInt128> ifOne, Secret<UInt128> ifZero) => Comparison.SelectAsync(Runtime, bit, ifOne, ifZero);

    /// <summary>Element-wise maximum of two secrets.</summary>
    /// <example>var clipped = await mpc.Max(x, mpc.Public(0));</example>
    public Task<Secret<UInt128>> Max(Secret<UInt128> a, Secret<UInt128> b) => Comparison.MaximumAsync(Runtime, a, b);

    /// <summary>Element-wise absolute value.</summary>
    /// <example>var distance = await mpc.Abs(a - b);</example>
    public Task<Secret<UInt128>> Abs(Secret<UInt128> a) => Comparison.AbsoluteAsync(Runtime, a);

    /// <summary>Element-wise minimum of two secrets.</summary>
    /// <example>var capped = await mpc.Min(dose, mpc.Public(100));</example>
    public Task<Secret<UInt128>> Min(Secret<UInt128> a, Secret<UInt128> b) => OrderStatistics.MinimumAsync(Runtime, a, b);

    /// <summary>The smallest element of a secret vector (1x1): the value of one row, which the script reveals only if it declares so.</summary>
    /// <example>var youngest = await mpc.Min(await mpc.Stack(mpc.Column("age")));</example>
    public Task<Secret<UInt128>> Min(Secret<UInt128> values) => OrderStatistics.MinimumAsync(Runtime, values);

    /// <summary>The largest element of a secret vector (1x1): the value of one row, which the script reveals only if it declares so.</summary>
    /// <example>var oldest = await mpc.Max(await mpc.Stack(mpc.Column("age")));</example>
    public Task<Secret<UInt128>> Max(Secret<UInt128> values) => OrderStatistics.MaximumAsync(Runtime, values);

    /// <summary>The elements of a secret vector in ascending order (an oblivious sort: which row went where stays secret).</summary>
    /// <example>var sorted = await mpc.Sort(await mpc.Stack(mpc.Column("age")));</example>
    public Task<Secret<UInt128>> Sort(Secret<UInt128> values) => OrderStatistics.SortAsync(Runtime, values);

    /// <summary>
    /// Quantiles of a secret vector at public probabilities, as R's quantile(x, p) (type 7); each is the value of a
    /// row or lies between two, so a script reveals it only if it declares so (the row count is public after Stack).
    /// </summary>
    /// <example>var quartiles = await mpc.Quantiles(await mpc.Stack(mpc.Column("age")), 0.25, 0.5, 0.75);</example>
    public Task<Secret<UInt128>> Quantiles(Secret<UInt128> values, params double[] probabilities) => OrderStatistics.QuantilesAsync(Runtime, values, probabilities);

    /// <summary>For each public threshold t_j, how many elements are &gt;= t_j: one batch of comparisons, a vector of counts.</summary>
    /// <example>var histogram = await mpc.CountAtLeast(ages, new double[] { 40, 50, 60, 70 });</example>
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
    /// <example>await mpc.Output("mean", mean);</example>
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
    /// <example>await mpc.OutputCounts("n", n, new double[] { x.Length }, "age");</example>
    public Task OutputCounts(string name, Secret<UInt128> value, double[] localCells, string column = "")
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(localCells);
        if (localCells.Length == 0) throw new ArgumentException(ScriptingErrors.NoLocalCells(name), nameof(localCells));
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
    /// <example>mpc.CheckGroups("mean", new double[] { x.Length }, "age");</example>
    public void CheckGroups(string output, double[] localGroupSizes, string column = "")
    {
        ArgumentNullException.ThrowIfNull(localGroupSizes);
        Runtime.RevealPolicy.CheckDisclosure(output, DisclosureKind.GroupSizes, column ?? "", localGroupSizes);
    }

    /// <summary>Refuses a library call that would open <paramref name="output"/> to the parties unless the script declared it of <paramref name="kind"/>.</summary>
    internal void RequireKind(string output, OutputKind kind)
    {
        if (!_outputKinds.TryGetValue(output, out var declared) || declared != kind)
            throw new ArgumentException(ScriptingErrors.OutputKindRequired(output, kind.ToString()), nameof(output));
    }

    // The library says what lies behind its results; scripts cannot, so a script's own numbers never skip a check.
    internal void Behind(Secret<UInt128> value, DisclosureKind kind, string column, double[] localSizes) => _behind.AddOrUpdate(value, new LocalSizes(kind, column, localSizes));

    private sealed record LocalSizes(DisclosureKind Kind, string Column, double[] Sizes);

    /// <summary>Reports progress to the analyst: a stage the script declared with Stage("...") and a fraction in [0, 1].</summary>
    /// <example>mpc.Progress("fitting", (double)step / steps);</example>
    public void Progress(string stage, double fraction)
    {
        ArgumentNullException.ThrowIfNull(stage);
        if (!_stages.Contains(stage)) throw new ArgumentException(ScriptingErrors.UndeclaredStage(stage), nameof(stage));
        LibraryProgress(stage, fraction);
    }

    // The script API's own stages are fixed names in this assembly, not analyst text, so they need no declaration.
    internal void LibraryProgress(string stage, double fraction) => _context.ReportProgress(stage, double.IsNaN(fraction) ? 0 : Math.Clamp(fraction, 0, 1));
}
