namespace Mpc.Federation.Protocols;

/// <summary>The type of a protocol parameter, as it is checked before any party computes.</summary>
public enum ParameterType
{
    Text,
    Integer,
    Number,
    Boolean,
    /// <summary>A column name of the party's dataset.</summary>
    Column,
    /// <summary>A comma-separated list of column names.</summary>
    ColumnList,
    /// <summary>A comma-separated list of numbers.</summary>
    NumberList,
}
