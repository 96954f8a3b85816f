using Mpc.Core;
using Mpc.Runtime;

namespace Mpc.Federation.Protocols;

/// <summary>
/// The reveal policy of a session: a secret may be opened only into one of the protocol's declared
/// outputs, each once, and only to the analyst. Anything else aborts the session on every party.
/// The exceptions: a DP intermediate (each of its noised releases may be opened once to every
/// party, and the series once to the analyst) and an exact intermediate (opened to every party as
/// often as the protocol computes it, never to the analyst; declared, so `mpc describe` shows it).
/// </summary>
/// <remarks>
/// The session's DP releases compose in RDP (Skellam bound on each release's mu and sensitivities),
/// converted to (epsilon, delta) at the releases' delta; a release that would take the composition
/// over the session's epsilon budget is refused before its noise is drawn.
/// </remarks>
public sealed class DeclaredOutputsPolicy : IRevealPolicy
{
    private readonly HashSet<string> _declared;
    private readonly HashSet<string> _private;
    private readonly HashSet<string> _intermediate;
    private readonly HashSet<string> _exactIntermediate;
    private readonly Dictionary<string, int> _unopened = new(StringComparer.Ordinal);
    private double[] _spent = new double[Mpc.Privacy.RdpAccountant.DefaultOrders.Count];
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
        _private = list.Where(o => o.Kind is OutputKind.DifferentiallyPrivate or OutputKind.DifferentiallyPrivateIntermediate).Select(o => o.Name).ToHashSet(StringComparer.Ordinal);
        _intermediate = list.Where(o => o.Kind == OutputKind.DifferentiallyPrivateIntermediate).Select(o => o.Name).ToHashSet(StringComparer.Ordinal);
        _exactIntermediate = list.Where(o => o.Kind == OutputKind.ExactIntermediate).Select(o => o.Name).ToHashSet(StringComparer.Ordinal);
        EpsilonBudget = epsilonBudget;
    }

    /// <summary>The session's epsilon budget over all its DP releases, composed in RDP.</summary>
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
            var orders = Mpc.Privacy.RdpAccountant.DefaultOrders;
            var after = Mpc.Privacy.RdpAccountant.Compose(_spent, Mpc.Privacy.RdpAccountant.SkellamRelease(release.Mu, release.L1Sensitivity, release.L2Sensitivity, release.SamplingRate, orders));
            double spent = _releases.Count == 0 ? 0 : Mpc.Privacy.RdpAccountant.ToEpsilon(_spent, orders, release.Delta).Epsilon;
            double total = Mpc.Privacy.RdpAccountant.ToEpsilon(after, orders, release.Delta).Epsilon;
            if (total > EpsilonBudget + 1e-9)
                throw new RevealRefusedException(outputName, ErrorMessages.RevealRefused(outputName, $"it would bring the session's epsilon to {total:G4} (delta {release.Delta:G3}, composed in RDP) where its budget is {EpsilonBudget:G4} and {spent:G4} is spent."));
            _spent = after;
            _releases.Add(release);
            _noised.Add(outputName);
            if (_intermediate.Contains(outputName)) _unopened[outputName] = _unopened.GetValueOrDefault(outputName) + 1;
        }
        _onRelease?.Invoke(outputName, release);
    }

    public void CheckReveal(string outputName, int elementCount, int? recipient)
    {
        if (!_declared.Contains(outputName))
            throw new RevealRefusedException(outputName, ErrorMessages.RevealRefused(outputName, $"it is not a declared output (declared: {string.Join(", ", _declared.Order(StringComparer.Ordinal))})."));
        if (_exactIntermediate.Contains(outputName))
        {
            if (recipient is not null)
                throw new RevealRefusedException(outputName, ErrorMessages.RevealRefused(outputName, "an exact intermediate opens to every party together, never to one party or the analyst."));
            return;
        }
        if (_private.Contains(outputName))
        {
            lock (_gate)
            {
                if (!_noised.Contains(outputName))
                    throw new RevealRefusedException(outputName, ErrorMessages.RevealRefused(outputName, "it is declared differentially private and must be released with its noise."));
            }
        }
        if (recipient is null && _intermediate.Contains(outputName))
        {
            lock (_gate)
            {
                if (_unopened.GetValueOrDefault(outputName) == 0)
                    throw new RevealRefusedException(outputName, ErrorMessages.RevealRefused(outputName, "each noised release of a DP intermediate opens to the parties once, and this one has no unopened release."));
                _unopened[outputName]--;
            }
            return;
        }
        if (recipient != -1)
            throw new RevealRefusedException(outputName, ErrorMessages.RevealRefused(outputName, "declared outputs go to the analyst only, not to the parties (only DP and exact intermediates go to the parties)."));
        lock (_gate)
        {
            if (!_released.Add(outputName)) throw new RevealRefusedException(outputName, ErrorMessages.RevealRefused(outputName, "it was released already."));
        }
    }
}
