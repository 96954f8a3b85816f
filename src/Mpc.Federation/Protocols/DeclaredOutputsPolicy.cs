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
    private readonly HashSet<string> _private;
    private readonly HashSet<string> _noised = [];
    private readonly HashSet<string> _released = [];
    private readonly List<NoisedRelease> _releases = [];
    private readonly Lock _gate = new();

    private readonly Action<string, NoisedRelease>? _onRelease;

    public DeclaredOutputsPolicy(IEnumerable<OutputDefinition> outputs, double epsilonBudget = double.PositiveInfinity, Action<string, NoisedRelease>? onRelease = null)
    {
        _onRelease = onRelease;
        ArgumentNullException.ThrowIfNull(outputs);
        var list = outputs.ToList();
        _declared = list.Where(o => o.Kind != OutputKind.Derived).Select(o => o.Name).ToHashSet(StringComparer.Ordinal);
        _private = list.Where(o => o.Kind == OutputKind.DifferentiallyPrivate).Select(o => o.Name).ToHashSet(StringComparer.Ordinal);
        EpsilonBudget = epsilonBudget;
    }

    /// <summary>The session's epsilon budget over all its DP releases (basic composition of the releases' epsilons).</summary>
    public double EpsilonBudget { get; }

    /// <summary>The DP releases made so far.</summary>
    public IReadOnlyList<NoisedRelease> Releases
    {
        get
        {
            lock (_gate) return _releases.ToList();
        }
    }

    public void CheckNoisedRelease(string outputName, NoisedRelease release)
    {
        ArgumentNullException.ThrowIfNull(release);
        if (!_private.Contains(outputName))
            throw new RevealRefusedException(outputName, ErrorMessages.RevealRefused(outputName, "it is not declared as a differentially private output."));
        if (!(release.L1Sensitivity > 0) || !(release.L2Sensitivity > 0))
            throw new RevealRefusedException(outputName, ErrorMessages.RevealRefused(outputName, "a DP release must declare positive L1 and L2 sensitivities."));
        lock (_gate)
        {
            double spent = _releases.Sum(r => r.Epsilon);
            if (spent + release.Epsilon > EpsilonBudget + 1e-12)
                throw new RevealRefusedException(outputName, ErrorMessages.RevealRefused(outputName, $"it would spend epsilon {release.Epsilon:G4} where {Math.Max(0, EpsilonBudget - spent):G4} of the session's {EpsilonBudget:G4} is left."));
            _releases.Add(release);
            _noised.Add(outputName);
        }
        _onRelease?.Invoke(outputName, release);
    }

    public void CheckReveal(string outputName, int elementCount, int? recipient)
    {
        if (!_declared.Contains(outputName))
            throw new RevealRefusedException(outputName, ErrorMessages.RevealRefused(outputName, $"it is not a declared output (declared: {string.Join(", ", _declared.Order(StringComparer.Ordinal))})."));
        if (_private.Contains(outputName))
        {
            lock (_gate)
            {
                if (!_noised.Contains(outputName))
                    throw new RevealRefusedException(outputName, ErrorMessages.RevealRefused(outputName, "it is declared differentially private and must be released with its noise."));
            }
        }
        if (recipient != -1)
            throw new RevealRefusedException(outputName, ErrorMessages.RevealRefused(outputName, "declared outputs go to the analyst only, not to the parties."));
        lock (_gate)
        {
            if (!_released.Add(outputName)) throw new RevealRefusedException(outputName, ErrorMessages.RevealRefused(outputName, "it was released already."));
        }
    }
}
