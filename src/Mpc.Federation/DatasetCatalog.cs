using System.Globalization;
using Microsoft.Extensions.Logging;
using Mpc.Data;
using Mpc.Net;

namespace Mpc.Federation;

/// <summary>
/// What a party tells an analyst who asks which datasets it holds: each configured dataset's name and its
/// columns' names and types, never a value, a row count or a path (a dataset that cannot be read is listed
/// without columns; the party's own log says why).
/// </summary>
public static class DatasetCatalog
{
    /// <summary>The schemas of every dataset of <paramref name="configuration"/>, in name order.</summary>
    public static List<DatasetSchema> Describe(PartyConfiguration configuration, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(logger);
        var schemas = new List<DatasetSchema>();
        foreach (var (name, path) in configuration.Datasets.OrderBy(d => d.Key, StringComparer.Ordinal))
        {
            var schema = new DatasetSchema { Name = name };
            try
            {
                var table = CsvTable.Load(path, name);
                foreach (var column in table.ColumnNames)
                {
                    schema.Columns.Add(column);
                    schema.Types.Add(table.Text(column).All(IsNumber) ? DatasetSchema.Numeric : DatasetSchema.TextType);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or DataFormatException)
            {
                logger.LogWarning(DaemonEvents.DataProblem, "Dataset {Dataset} listed without columns: {Reason}", name, e is DataFormatException d ? d.Detail : e.Message);
            }
            schemas.Add(schema);
        }
        return schemas;
    }

    // A missing cell (null) fits either type; a present one must parse as CsvTable.Column parses it.
    private static bool IsNumber(string? cell) =>
        cell is null || (double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value));
}
