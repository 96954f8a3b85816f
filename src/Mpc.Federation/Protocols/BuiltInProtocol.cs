using System.Numerics;
using Mpc.Core;
using Mpc.Data;
using Mpc.Runtime;

namespace Mpc.Federation.Protocols;

/// <summary>A protocol written in C# and shipped with the daemon, over ring T.</summary>
public abstract class BuiltInProtocol<T> : IProtocolDefinition where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
{
    /// <summary>The dataset parameter every protocol takes: empty picks the party's only dataset.</summary>
    protected static readonly ParameterDefinition DatasetParameter = new("dataset", ParameterType.Text, "", "Name of the party's dataset; may be left out when a party has one dataset.");

    public abstract string Name { get; }

    public string Id => "builtin:" + Name;

    public abstract string Description { get; }

    public abstract IReadOnlyList<ParameterDefinition> Parameters { get; }

    public abstract IReadOnlyList<OutputDefinition> Outputs { get; }

    public abstract FixedPointFormat Format { get; }

    /// <summary>Checks that every column parameter names a column of the dataset, with no missing values.</summary>
    public virtual IReadOnlyList<string> Validate(ProtocolParameters parameters, CsvTable dataset)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(dataset);
        var problems = new List<string>();
        foreach (var definition in Parameters.Where(p => p.Type is ParameterType.Column or ParameterType.ColumnList))
        {
            var columns = definition.Type == ParameterType.Column ? [parameters.Text(definition.Name)] : parameters.List(definition.Name);
            foreach (var column in columns.Where(c => c.Length > 0))
            {
                if (!dataset.HasColumn(column))
                {
                    problems.Add($"{dataset.Source}: no column '{column}' (parameter '{definition.Name}'); the columns are {string.Join(", ", dataset.ColumnNames)}");
                    continue;
                }
                int missing = Array.FindIndex(dataset.Column(column), double.IsNaN);
                if (missing >= 0 && !AllowsMissingValues) problems.Add($"{dataset.Source}, row {missing + 2}, column '{column}': missing value");
            }
        }
        return problems;
    }

    /// <summary>Whether rows with missing values are the protocol's business (dropped and counted) rather than an error.</summary>
    protected virtual bool AllowsMissingValues => false;

    public async Task RunAsync(ProtocolContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        using var runtime = context.CreateRuntime<T>(Format);
        await RunAsync(runtime, context).ConfigureAwait(false);
    }

    protected abstract Task RunAsync(MpcRuntime<T> runtime, ProtocolContext context);

    public virtual IReadOnlyDictionary<string, double[]> Derive(IReadOnlyDictionary<string, double[]> outputs, ProtocolParameters parameters) =>
        new Dictionary<string, double[]>();
}
