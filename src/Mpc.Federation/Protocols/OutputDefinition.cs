namespace Mpc.Federation.Protocols;

/// <summary>A declared output: its name, whether it is exact or DP-noised, and what it is.</summary>
public sealed record OutputDefinition(string Name, OutputKind Kind, string Description);
