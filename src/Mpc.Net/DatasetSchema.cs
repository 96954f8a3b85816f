using MessagePack;

namespace Mpc.Net;

/// <summary>A dataset as a party describes it to an analyst: its configured name and its columns' names and types ("numeric" or "text").</summary>
[MessagePackObject]
public sealed class DatasetSchema
{
    /// <summary>A column whose every present cell is a number.</summary>
    public const string Numeric = "numeric";

    /// <summary>A column with at least one cell that is not a number (categories such as "adeno").</summary>
    public const string TextType = "text";

    [Key(0)] public string Name { get; set; } = "";
    [Key(1)] public List<string> Columns { get; set; } = [];
    [Key(2)] public List<string> Types { get; set; } = [];
}
