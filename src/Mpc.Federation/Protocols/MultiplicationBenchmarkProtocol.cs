using Mpc.Core;
using Mpc.Runtime;
using Mpc.Runtime.Protocols;

namespace Mpc.Federation.Protocols;

/// <summary>
/// A load protocol: party 0 and party 1 each secret-share a vector of pseudo-random values
/// (no patient data), which are multiplied element-wise a given number of times; only the total
/// of the final product is revealed. For benchmarks and failure tests. At scale 16 every product is truncated (values
/// up to 1000 in magnitude, so more than one round leaves the fixed-point range: the total is then meaningless).
/// </summary>
public sealed class MultiplicationBenchmarkProtocol : BuiltInProtocol<ulong>
{
    public override string Name => "multiplication-benchmark";

    public override string Description => "Multiplies secret vectors of random values repeatedly (load and failure testing; uses no dataset).";

    public override IReadOnlyList<ParameterDefinition> Parameters { get; } =
    [
        new("size", ParameterType.Integer, "1000000", "Vector length."),
        new("rounds", ParameterType.Integer, "1", "Sequential multiplications."),
        new("scale", ParameterType.Integer, "0", "Fractional bits: 0 (integer products) or 16 (fixed-point products, each truncated)."),
    ];

    public override IReadOnlyList<OutputDefinition> Outputs { get; } =
    [
        new("total", OutputKind.Exact, "Sum of the final products (modulo 2^64 at the given scale, read as signed)."),
    ];

    public override FixedPointFormat Format => FixedPointFormat.Ring64;

    public override IReadOnlyList<string> Validate(ProtocolParameters parameters, Mpc.Data.CsvTable dataset)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var problems = new List<string>();
        if (parameters.Integer("size") is < 1 or > 10_000_000) problems.Add("parameter 'size' must be between 1 and 10000000");
        if (parameters.Integer("rounds") is < 1 or > 100_000) problems.Add("parameter 'rounds' must be between 1 and 100000");
        if (parameters.Integer("scale") is not (0 or 16)) problems.Add("parameter 'scale' must be 0 or 16");
        return problems;
    }

    protected override async Task RunAsync(MpcRuntime<ulong> runtime, ProtocolContext context)
    {
        int size = context.Parameters.Integer("size");
        int rounds = context.Parameters.Integer("rounds");
        int scale = context.Parameters.Integer("scale");
        double[]? Values(int owner) => runtime.PartyIndex == owner
            ? Enumerable.Range(0, size).Select(_ => (double)(long)runtime.LocalRandom.NextBelow(2001) - 1000).ToArray()
            : null;
        var x = Input.Share(runtime, 0, Values(0), size, 1, scale);
        var y = Input.Share(runtime, 1, Values(1), size, 1, scale);
        // Progress at most twice a second, and at the end, whatever the size of a round.
        var sinceReport = System.Diagnostics.Stopwatch.StartNew();
        for (int r = 0; r < rounds; r++)
        {
            x = await Multiplication.MultiplyAsync(runtime, x, y).ConfigureAwait(false);
            if (r + 1 == rounds || sinceReport.Elapsed.TotalSeconds >= 0.5)
            {
                context.ReportProgress("multiplying", (r + 1.0) / rounds);
                sinceReport.Restart();
            }
        }
        await Opening.OutputAsync(runtime, x.Sum(), "total").ConfigureAwait(false);
    }
}
