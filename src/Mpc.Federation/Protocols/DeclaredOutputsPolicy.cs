using Mpc.Core;
using Mpc.Runtime;

namespace Mpc.Federation.Protocols;

/// <summary>
/// The reveal policy of a session: a secret may be opened only into one of the protocol's declared
/// outputs, each once, and only to the analyst. Anything else aborts the session on every party.
/// </summary>
public sealed class DeclaredOutputsPolicy : IRevealPolicy
{
    private readonly HashSet<string> _declared;
    private readonly HashSet<string> _released = [];
    private readonly Lock _gate = new();

    public DeclaredOutputsPolicy(IEnumerable<OutputDefinition> outputs)
    {
        ArgumentNullException.ThrowIfNull(outputs);
        _declared = outputs.Where(o => o.Kind != OutputKind.Derived).Select(o => o.Name).ToHashSet(StringComparer.Ordinal);
    }

    public void CheckReveal(string outputName, int elementCount, int? recipient)
    {
        if (!_declared.Contains(outputName))
            throw new RevealRefusedException(outputName, ErrorMessages.RevealRefused(outputName, $"it is not a declared output (declared: {string.Join(", ", _declared.Order(StringComparer.Ordinal))})."));
        if (recipient != -1)
            throw new RevealRefusedException(outputName, ErrorMessages.RevealRefused(outputName, "declared outputs go to the analyst only, not to the parties."));
        lock (_gate)
        {
            if (!_released.Add(outputName)) throw new RevealRefusedException(outputName, ErrorMessages.RevealRefused(outputName, "it was released already."));
        }
    }
}
