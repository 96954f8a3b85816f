namespace Mpc.Net;

/// <summary>The roster is invalid; <see cref="Problems"/> lists every problem with its location.</summary>
public sealed class RosterException(string source, IReadOnlyList<string> problems)
    : Exception($"{source} is not a valid roster:{Environment.NewLine}  " + string.Join(Environment.NewLine + "  ", problems))
{
    public IReadOnlyList<string> Problems { get; } = problems;
}
