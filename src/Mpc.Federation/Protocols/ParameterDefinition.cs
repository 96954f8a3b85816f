namespace Mpc.Federation.Protocols;

/// <summary>A declared protocol parameter: name, type, default (null when required) and description.</summary>
public sealed record ParameterDefinition(string Name, ParameterType Type, string? Default, string Description)
{
    public bool IsRequired => Default is null;
}
