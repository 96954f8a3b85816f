using System.Numerics;
using Mpc.Core;
using Mpc.Data;
using Mpc.Runtime;

namespace Mpc.Federation.Protocols;

/// <summary>A protocol written in C# and shipped with the daemon, over ring T.</summary>
public abstract class BuiltInProtocol<T> : IProtocolDefinition where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
{
    /// <summary>The dataset parameter every protocol takes: empty picks the party's only dataset.</summary>
    protected static ParameterDefinition DatasetParameter => ProtocolValidation.DatasetParameter;

    public abstract string Name { get; }

    public string Id => "builtin:" + Name;

    public abstract string Description { get; }

    public abstract IReadOnlyList<ParameterDefinition> Parameters { get; }

    public abstract IReadOnlyList<OutputDefinition> Outputs { get; }

    public abstract FixedPointFormat Format { get; }

    /// <summary>Checks that every column parameter names a column of the dataset, with no missing values.</summary>
    public virtual IReadOnlyList<string> Validate(ProtocolParameters parameters, CsvTable dataset) =>
        ProtocolValidation.CheckColumns(Parameters, parameters, dataset, AllowsMissingValues);

    /// <summary>Whether rows with missing values are the protocol's business (dropped and counted) rather than an error.</summary>
    protected virtual bool AllowsMissingValues => false;

    public async Task RunAsync(ProtocolContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        using var runtime = context.CreateRuntime<T>(Format);
        await RunAsync(runtime, context).ConfigureAwait(false);
    }

    protected abstract Task RunAsync(MpcRuntime<T> runtime, ProtocolContext context);

    /// <summary>Names of an output's elements (group levels, coefficient names), or null.</summary>
    public virtual IReadOnlyList<string>? Labels(string output, ProtocolParameters parameters) => null;

    public virtual IReadOnlyDictionary<string, double[]> Derive(IReadOnlyDictionary<string, double[]> outputs, ProtocolParameters parameters) =>
        new Dictionary<string, double[]>();
}
