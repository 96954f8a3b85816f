using Mpc.Core;
using Mpc.Runtime;

namespace Mpc.Federation.Protocols;

/// <summary>
/// The reveal policy of a session: a secret may be opened only into one of the protocol's declared
/// outputs, each once, and only to the analyst. Anything else aborts the session on every party.
/// The exceptions: a DP intermediate (each of its noised releases may be opened once to every
/// party, and the series once to the analyst) and an exact intermediate (opened to every party as
/// often as the protocol computes it, never to the analyst; declared, so `mpc describe` shows it;
/// only where the party's limits allow exact intermediates).
/// Disclosure limits: every local cell or group size the party's code reports for an exact output
/// must be 0 or at least the party's minimum, and a count output opens only after its cells were checked.
/// </summary>
/// <remarks>
/// DP releases are accounted by the party, never by the analyst's claims: a release's delta may not
/// exceed the party's delta for the dataset, nor its honest-parties count the party's assumption; its
/// cost is recomputed from its mu and sensitivities as the noise guarantees it under the party's
/// assumption (each party adds mu / h, so with h' honest parties the noise is at least h' mu / h) and
/// converted at the party's delta. The session's releases compose in RDP; a release that would take the
/// composition over the session's epsilon budget, or that the ledger refuses, is refused before its
/// noise is drawn.
/// </remarks>
public sealed class DeclaredOutputsPolicy : IRevealPolicy
{
    private readonly HashSet<string> _declared;
    private readonly HashSet<string> _private;
    private readonly HashSet<string> _intermediate;
    private readonly HashSet<string> _exactIntermediate;
    private readonly HashSet<string> _dataChecks;
    private readonly HashSet<string> _checksOpened = new(StringComparer.Ordinal);
    private readonly HashSet<string> _counts;
    private readonly HashSet<string> _cellsChecked = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _unopened = new(StringComparer.Ordinal);
    private double[] _spent = new double[Mpc.Privacy.RdpAccountant.DefaultOrders.Count];
    private readonly HashSet<string> _noised = [];
    private readonly HashSet<string> _released = [];
    private readonly List<NoisedRelease> _releases = [];
    private readonly Lock _gate = new();

    private readonly Action<string, NoisedRelease>? _onRelease;

    /// <param name="outputs">The protocol's declared outputs.</param>
    /// <param name="epsilonBudget">The session's epsilon over all its DP releases.</param>
    /// <param name="onRelease">Charges an allowed release, as the party accounts for it, before its noise is drawn; may throw <see cref="RevealRefusedException"/>.</param>
    /// <param name="delta">The party's delta for the dataset: releases are charged at it, and one calibrated to a larger delta is refused.</param>
    /// <param name="honestParties">How many honest parties the party assumes (at most the session's party count).</param>
    /// <param name="limits">The party's disclosure limits for the dataset (none when null).</param>
    public DeclaredOutputsPolicy(IEnumerable<OutputDefinition> outputs, double epsilonBudget = double.PositiveInfinity, Action<string, NoisedRelease>? onRelease = null,
        double delta = 1e-5, int honestParties = 1, DisclosureLimits? limits = null)
    {
        Limits = limits ?? DisclosureLimits.None;
        if (!(delta > 0 && delta < 1)) throw new ArgumentOutOfRangeException(nameof(delta), FederationErrors.DeltaOutOfRange);
        ArgumentOutOfRangeException.ThrowIfLessThan(honestParties, 1);
        Delta = delta;
        HonestParties = honestParties;
        _onRelease = onRelease;
        ArgumentNullException.ThrowIfNull(outputs);
        var list = outputs.ToList();
        _declared = list.Where(o => o.Kind != OutputKind.Derived).Select(o => o.Name).ToHashSet(StringComparer.Ordinal);
        _private = list.Where(o => Noises(o.Kind)).Select(o => o.Name).ToHashSet(StringComparer.Ordinal);
        _intermediate = list.Where(o => o.Kind == OutputKind.DifferentiallyPrivateIntermediate).Select(o => o.Name).ToHashSet(StringComparer.Ordinal);
        _exactIntermediate = list.Where(o => o.Kind is OutputKind.ExactIntermediate or OutputKind.DataCheck).Select(o => o.Name).ToHashSet(StringComparer.Ordinal);
        _dataChecks = list.Where(o => o.Kind == OutputKind.DataCheck).Select(o => o.Name).ToHashSet(StringComparer.Ordinal);
        _counts = list.Where(o => o.Kind == OutputKind.Counts).Select(o => o.Name).ToHashSet(StringComparer.Ordinal);
        EpsilonBudget = epsilonBudget;
    }

    /// <summary>Whether outputs of this kind are released only with DP noise, each release recorded and charged.</summary>
    public static bool Noises(OutputKind kind) => kind is OutputKind.DifferentiallyPrivate or OutputKind.DifferentiallyPrivateIntermediate;

    /// <summary>The session's epsilon budget over all its DP releases, composed in RDP.</summary>
    public double EpsilonBudget { get; }

    /// <summary>The party's disclosure limits on exact outputs.</summary>
    public DisclosureLimits Limits { get; }

    /// <summary>The party's delta: every release is charged at it.</summary>
    public double Delta { get; }

    /// <summary>The number of honest parties the party assumes when it accounts for a release's noise.</summary>
    public int HonestParties { get; }

    /// <summary>The DP releases made so far, as the party accounted for them.</summary>
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
            throw new RevealRefusedException(outputName, ErrorMessages.RevealRefused(outputName, FederationErrors.NotDeclaredPrivate));
        if (!(release.L1Sensitivity > 0) || !(release.L2Sensitivity > 0) || !double.IsFinite(release.L1Sensitivity) || !double.IsFinite(release.L2Sensitivity))
            throw new RevealRefusedException(outputName, ErrorMessages.RevealRefused(outputName, FederationErrors.SensitivitiesNotPositive));
        if (!Mpc.Privacy.ReleaseMechanisms.IsKnown(release.Mechanism))
            throw new RevealRefusedException(outputName, ErrorMessages.RevealRefused(outputName, FederationErrors.MechanismNotAccounted));
        if (!(release.Noise > 0) || !double.IsFinite(release.Noise))
            throw new RevealRefusedException(outputName, ErrorMessages.RevealRefused(outputName, FederationErrors.NoiseNotPositive));
        if (!(release.SamplingRate > 0 && release.SamplingRate <= 1))
            throw new RevealRefusedException(outputName, ErrorMessages.RevealRefused(outputName, FederationErrors.SamplingRateOutOfRange));
        if (!(release.Delta > 0))
            throw new RevealRefusedException(outputName, ErrorMessages.RevealRefused(outputName, FederationErrors.ReleaseDeltaNotPositive));
        if (release.Delta > Delta)
            throw new RevealRefusedException(outputName, ErrorMessages.RevealRefused(outputName, ErrorMessages.DeltaAboveParty(release.Delta, "this party", Delta)));
        if (release.HonestParties < 1 || release.HonestParties > HonestParties)
            throw new RevealRefusedException(outputName, ErrorMessages.RevealRefused(outputName, ErrorMessages.HonestPartiesAboveParty(release.HonestParties, "this party", HonestParties)));
        var orders = Mpc.Privacy.RdpAccountant.DefaultOrders;
        // Each party adds mu / h; under the party's assumption of h' honest parties at least h' mu / h of it is hidden from the rest.
        double noise = release.Noise * HonestParties / release.HonestParties;
        var curve = Mpc.Privacy.ReleaseMechanisms.Curve(release.Mechanism, noise, release.L1Sensitivity, release.L2Sensitivity, release.SamplingRate, orders);
        var accounted = release with { Noise = noise, Epsilon = Mpc.Privacy.RdpAccountant.ToEpsilon(curve, orders, Delta).Epsilon, Delta = Delta, HonestParties = HonestParties };
        lock (_gate)
        {
            var after = Mpc.Privacy.RdpAccountant.Compose(_spent, curve);
            double spent = _releases.Count == 0 ? 0 : Mpc.Privacy.RdpAccountant.ToEpsilon(_spent, orders, Delta).Epsilon;
            double total = Mpc.Privacy.RdpAccountant.ToEpsilon(after, orders, Delta).Epsilon;
            if (!(total <= EpsilonBudget + 1e-9))
                throw new RevealRefusedException(outputName, ErrorMessages.RevealRefused(outputName, FederationErrors.SessionBudgetExceeded(total, Delta, EpsilonBudget, spent)));
            // The ledger charges first: a release it refuses leaves the session's account as it was.
            _onRelease?.Invoke(outputName, accounted);
            _spent = after;
            _releases.Add(accounted);
            _noised.Add(outputName);
            if (_intermediate.Contains(outputName)) _unopened[outputName] = _unopened.GetValueOrDefault(outputName) + 1;
        }
    }

    public void CheckReveal(string outputName, int elementCount, RevealRecipient to)
    {
        if (!_declared.Contains(outputName))
            throw NotDeclared(outputName);
        if (_exactIntermediate.Contains(outputName))
        {
            if (!Limits.ExactIntermediates && !_dataChecks.Contains(outputName))
                throw new RevealRefusedException(outputName, ErrorMessages.RevealRefused(outputName, ErrorMessages.ExactIntermediatesNotAllowed(Limits.Dataset)));
            // A data check is asked once, before the computation: a second opening would make it a channel.
            if (_dataChecks.Contains(outputName))
            {
                lock (_gate)
                {
                    if (!_checksOpened.Add(outputName)) throw new RevealRefusedException(outputName, ErrorMessages.RevealRefused(outputName, FederationErrors.DataCheckOpened));
                }
            }
            if (!to.IsEveryone)
                throw new RevealRefusedException(outputName, ErrorMessages.RevealRefused(outputName, FederationErrors.ExactIntermediateToOne));
            return;
        }
        if (_private.Contains(outputName))
        {
            lock (_gate)
            {
                if (!_noised.Contains(outputName))
                    throw new RevealRefusedException(outputName, ErrorMessages.RevealRefused(outputName, FederationErrors.PrivateWithoutNoise));
            }
        }
        if (to.IsEveryone && _intermediate.Contains(outputName))
        {
            lock (_gate)
            {
                if (_unopened.GetValueOrDefault(outputName) == 0)
                    throw new RevealRefusedException(outputName, ErrorMessages.RevealRefused(outputName, FederationErrors.IntermediateOpened));
                _unopened[outputName]--;
            }
            return;
        }
        if (!to.IsAnalyst)
            throw new RevealRefusedException(outputName, ErrorMessages.RevealRefused(outputName, FederationErrors.OutputToParties));
        lock (_gate)
        {
            if (_counts.Contains(outputName) && !_cellsChecked.Contains(outputName))
                throw new RevealRefusedException(outputName, ErrorMessages.RevealRefused(outputName, ErrorMessages.CountsNotChecked(outputName)));
            if (!_released.Add(outputName)) throw new RevealRefusedException(outputName, ErrorMessages.RevealRefused(outputName, FederationErrors.ReleasedAlready));
        }
    }

    public void CheckDisclosure(string outputName, DisclosureKind kind, string column, IReadOnlyList<double> localSizes)
    {
        ArgumentNullException.ThrowIfNull(localSizes);
        ArgumentNullException.ThrowIfNull(column);
        // The name goes into a refusal's public text: only a declared output's.
        if (!_declared.Contains(outputName))
            throw NotDeclared(outputName);
        bool cells = kind == DisclosureKind.CellCounts;
        int limit = cells ? Limits.MinCellCount : Limits.MinGroupSize;
        // An empty list would mark the output checked while checking nothing.
        if (localSizes.Count == 0)
            throw new DisclosureRefusedException(outputName, ErrorMessages.DisclosureRefused(Limits.MinCellCount, Limits.MinGroupSize), ErrorMessages.DisclosureRefusedDetail(outputName, cells, column, -1, 0, limit));
        for (int i = 0; i < localSizes.Count; i++)
        {
            double size = localSizes[i];
            // NaN or negative sizes are the caller's bug; refusing them keeps the check from passing on garbage.
            if (!(size >= 0) || (size > 0 && size < limit))
                throw new DisclosureRefusedException(outputName, ErrorMessages.DisclosureRefused(Limits.MinCellCount, Limits.MinGroupSize),
                    ErrorMessages.DisclosureRefusedDetail(outputName, cells, column, i, size, limit));
        }
        if (cells)
        {
            lock (_gate) _cellsChecked.Add(outputName);
        }
    }

    private RevealRefusedException NotDeclared(string outputName) =>
        new(outputName, ErrorMessages.RevealRefused(outputName, $"it is not a declared output (declared: {string.Join(", ", _declared.Order(StringComparer.Ordinal))})."));
}
