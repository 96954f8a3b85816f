namespace Mpc.Federation;

/// <summary>A protocol a party's policy approves: its id, its name, and the script file it came from (null for a built-in).</summary>
public sealed record ApprovedProtocol(string Id, string Name, string? ScriptPath);
