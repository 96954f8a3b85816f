using Mpc.Core;
using Mpc.Data;

namespace Mpc.Federation.Protocols;

/// <summary>Checks shared by every protocol before a session is accepted.</summary>
public static class ProtocolValidation
{
    /// <summary>The dataset parameter every protocol takes: empty picks the party's only dataset.</summary>
    public static ParameterDefinition DatasetParameter { get; } = new("dataset", ParameterType.Text, "", "Name of the party's dataset; may be left out when a party has one dataset.");

    /// <summary>
    /// Every column parameter must name a column of the dataset, without missing values unless the
    /// protocol handles them. The problems are public texts (dataset name and column at most);
    /// <see cref="ColumnProblems"/> gives the same problems with the detail for the party's log.
    /// </summary>
    public static IReadOnlyList<string> CheckColumns(IReadOnlyList<ParameterDefinition> definitions, ProtocolParameters parameters, CsvTable dataset, bool allowMissingValues) =>
        ColumnProblems(definitions, parameters, dataset, allowMissingValues).Select(p => p.PublicMessage).ToList();

    /// <summary>The problems of <see cref="CheckColumns"/>, each with its public text, its detail (file, row) and whether it depends on the values.</summary>
    public static IReadOnlyList<DataProblemException> ColumnProblems(IReadOnlyList<ParameterDefinition> definitions, ProtocolParameters parameters, CsvTable dataset, bool allowMissingValues)
    {
        ArgumentNullException.ThrowIfNull(definitions);
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(dataset);
        var problems = new List<DataProblemException>();
        foreach (var definition in definitions.Where(p => p.Type is ParameterType.Column or ParameterType.ColumnList))
        {
            var columns = definition.Type == ParameterType.Column ? [parameters.Text(definition.Name)] : parameters.List(definition.Name);
            foreach (var column in columns.Where(c => c.Length > 0))
            {
                if (!dataset.HasColumn(column))
                {
                    // The schema is not patient data, but only the party's log lists the other columns.
                    problems.Add(new DataProblemException(ErrorMessages.DataNoColumnForParameter(dataset.Name, column, definition.Name),
                        ErrorMessages.DataNoColumnDetail(dataset.Source, column, dataset.ColumnNames), false));
                    continue;
                }
                int missing = dataset.Text(column).ToList().FindIndex(c => c is null);
                if (missing >= 0 && !allowMissingValues)
                    problems.Add(new DataProblemException(ErrorMessages.DataMissingValue(column), ErrorMessages.DataMissingValueDetail(dataset.Source, missing + 2, column), true));
            }
        }
        return problems;
    }
}
