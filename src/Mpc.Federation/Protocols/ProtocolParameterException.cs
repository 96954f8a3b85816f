namespace Mpc.Federation.Protocols;

/// <summary>Parameters do not fit the protocol's declarations; every problem is listed.</summary>
public sealed class ProtocolParameterException(IReadOnlyList<string> problems)
    : Exception(string.Join("; ", problems))
{
    public IReadOnlyList<string> Problems { get; } = problems;
}
