namespace Mpc.Federation;

/// <summary>A session did not start: parties refused it or could not be reached. Nothing was computed.</summary>
public sealed class SessionRefusedException(IReadOnlyList<(string Party, string Reason)> refusals)
    : Exception("Session refused: " + string.Join("; ", refusals.Select(r => $"{r.Party}: {r.Reason}")))
{
    public IReadOnlyList<(string Party, string Reason)> Refusals { get; } = refusals;
}
