namespace Mpc.Core;

/// <summary>
/// A party's data does not fit the request. <see cref="PublicMessage"/> (also the exception's
/// Message) names the kind of problem and the column at most, and may go to the analyst and the
/// peers; <see cref="Detail"/> (file, row, column, value) is for the party's own log only.
/// </summary>
public class DataProblemException : Exception
{
    public DataProblemException(string publicMessage, string detail, bool dependsOnValues)
        : base(publicMessage)
    {
        ArgumentNullException.ThrowIfNull(detail);
        Detail = detail;
        DependsOnValues = dependsOnValues;
    }

    /// <summary>What may leave the party: the kind of problem and the column name at most.</summary>
    public string PublicMessage => Message;

    /// <summary>Where and what exactly (file, row, column, value): the party's own log only.</summary>
    public string Detail { get; }

    /// <summary>Whether the problem's presence tells something about the values (a bit an analyst could probe for), so it counts against the data-refusal limit.</summary>
    public bool DependsOnValues { get; }
}
