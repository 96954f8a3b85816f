using Mpc.Data;

namespace Mpc.Federation.Protocols;

/// <summary>Checks shared by every protocol before a session is accepted.</summary>
public static class ProtocolValidation
{
    /// <summary>The dataset parameter every protocol takes: empty picks the party's only dataset.</summary>
    public static ParameterDefinition DatasetParameter { get; } = new("dataset", ParameterType.Text, "", "Name of the party's dataset; may be left out when a party has one dataset.");

    /// <summary>Every column parameter must name a column of the dataset, without missing values unless the protocol handles them.</summary>
    public static IReadOnlyList<string> CheckColumns(IReadOnlyList<ParameterDefinition> definitions, ProtocolParameters parameters, CsvTable dataset, bool allowMissingValues)
    {
        ArgumentNullException.ThrowIfNull(definitions);
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(dataset);
        var problems = new List<string>();
        foreach (var definition in definitions.Where(p => p.Type is ParameterType.Column or ParameterType.ColumnList))
        {
            var columns = definition.Type == ParameterType.Column ? [parameters.Text(definition.Name)] : parameters.List(definition.Name);
            foreach (var column in columns.Where(c => c.Length > 0))
            {
                if (!dataset.HasColumn(column))
                {
                    problems.Add($"{dataset.Source}: no column '{column}' (parameter '{definition.Name}'); the columns are {string.Join(", ", dataset.ColumnNames)}");
                    continue;
                }
                int missing = dataset.Text(column).ToList().FindIndex(c => c is null);
                if (missing >= 0 && !allowMissingValues) problems.Add($"{dataset.Source}, row {missing + 2}, column '{column}': missing value");
            }
        }
        return problems;
    }
}
