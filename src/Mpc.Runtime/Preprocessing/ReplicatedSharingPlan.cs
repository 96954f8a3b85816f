using System.Numerics;
using Mpc.Core;

namespace Mpc.Runtime.Preprocessing;

/// <summary>
/// Who holds what in replicated secret sharing among N parties with threshold t = floor((N - 1) / 2) (Cramer, Damgard
/// and Ishai, TCC 2005): a value is the sum of one component per t-subset A of the parties, and component A is held by
/// the N - t parties outside A, so any t parties C miss exactly component C. Every party computes the same plan.
/// </summary>
/// <remarks>
/// A product of two such values is the sum of the cross terms x_A y_B; |A ∪ B| &lt;= 2t &lt; N, so some party holds
/// both factors, and each term is given to the least loaded such party (terms with fewer candidates first). Each
/// component is also given an owner among its holders (who adds it to an additive share) and a contributor among
/// parties 0..t (whose bit of a daBit XORs it in); t + 1 contributors suffice because no t-subset contains them all.
/// Components are numbered in increasing order of their bit masks.
/// </remarks>
public sealed class ReplicatedSharingPlan
{
    /// <summary>
    /// The most parties supported: the components number C(N, t) (35 at N = 7, 126 at N = 9, 462 at N = 11) and every
    /// triple costs each party C(N - 1, t) PRG draws and about C(N, t)^2 / N products, which beyond 7 parties exceeds
    /// the cost of oblivious transfer.
    /// </summary>
    public const int MaxParties = 7;

    private readonly int[] _components;
    private readonly int[] _owners;
    private readonly int[] _contributors;
    private readonly int[][][] _crossTerms;

    public ReplicatedSharingPlan(int parties)
    {
        if (parties < 3 || parties > MaxParties) throw new ArgumentOutOfRangeException(nameof(parties), ErrorMessages.HonestMajorityPartyCount(parties, MaxParties));
        Parties = parties;
        Threshold = (parties - 1) / 2;
        _components = [.. Enumerable.Range(0, 1 << parties).Where(mask => BitOperations.PopCount((uint)mask) == Threshold)];
        _owners = AssignOwners();
        _contributors = [.. _components.Select(mask => Enumerable.Range(0, Threshold + 1).First(j => (mask & (1 << j)) == 0))];
        _crossTerms = AssignCrossTerms();
    }

    public int Parties { get; }

    /// <summary>The largest coalition the sharing hides a value from: floor((N - 1) / 2).</summary>
    public int Threshold { get; }

    /// <summary>The number of components, C(N, t).</summary>
    public int ComponentCount => _components.Length;

    /// <summary>The parties that miss component <paramref name="component"/> (a t-subset), as a bit mask.</summary>
    public int Missing(int component) => _components[component];

    public bool Holds(int party, int component) => (_components[component] & (1 << party)) == 0;

    /// <summary>The parties holding component <paramref name="component"/>, in increasing order.</summary>
    public int[] Holders(int component) => [.. Enumerable.Range(0, Parties).Where(p => Holds(p, component))];

    /// <summary>The components party <paramref name="party"/> holds, in increasing order.</summary>
    public int[] HeldBy(int party) => [.. Enumerable.Range(0, ComponentCount).Where(c => Holds(party, c))];

    /// <summary>The holder that adds the component to its additive share.</summary>
    public int Owner(int component) => _owners[component];

    /// <summary>The party among 0..t that XORs the component into its bit of a daBit.</summary>
    public int Contributor(int component) => _contributors[component];

    /// <summary>For party <paramref name="party"/>: per component A (index), the components B whose term x_A y_B it computes.</summary>
    public IReadOnlyList<int[]> CrossTerms(int party) => _crossTerms[party];

    /// <summary>
    /// The component into which party <paramref name="party"/> reshares its additive share: the one missing the t parties
    /// after it (mod N), so it holds it and each party receives from N - t - 1 others.
    /// </summary>
    public int Sink(int party)
    {
        int missing = 0;
        for (int j = 1; j <= Threshold; j++) missing |= 1 << ((party + j) % Parties);
        return Array.IndexOf(_components, missing);
    }

    /// <summary>Party <paramref name="party"/>'s cross terms: sum of a_A * b_B over its terms, grouped by A as a_A * (sum of its b_B).</summary>
    internal TE[] SumCrossTerms<TE>(int party, TE[]?[] a, TE[]?[] b, int length, Action<TE[], TE[]> add, Action<TE[], TE[], TE[]> multiply)
    {
        var result = new TE[length];
        var part = new TE[length];
        var terms = _crossTerms[party];
        for (int c = 0; c < terms.Length; c++)
        {
            if (terms[c].Length == 0) continue;
            var sum = (TE[])b[terms[c][0]]!.Clone();
            for (int j = 1; j < terms[c].Length; j++) add(sum, b[terms[c][j]]!);
            multiply(a[c]!, sum, part);
            add(result, part);
        }
        return result;
    }

    private int[] AssignOwners()
    {
        var load = new int[Parties];
        var owners = new int[_components.Length];
        for (int c = 0; c < _components.Length; c++)
        {
            owners[c] = LeastLoaded(Holders(c), load, c);
            load[owners[c]]++;
        }
        return owners;
    }

    private int[][][] AssignCrossTerms()
    {
        int n = _components.Length;
        var load = new int[Parties];
        var terms = new List<int>[Parties][];
        for (int p = 0; p < Parties; p++) terms[p] = [.. Enumerable.Range(0, n).Select(_ => new List<int>())];
        // Terms with the fewest candidate parties are placed first, so the free choices even the load out.
        var pairs = from a in Enumerable.Range(0, n)
                    from b in Enumerable.Range(0, n)
                    let union = _components[a] | _components[b]
                    orderby BitOperations.PopCount((uint)union) descending, a, b
                    select (a, b, union);
        foreach (var (a, b, union) in pairs)
        {
            var candidates = Enumerable.Range(0, Parties).Where(p => (union & (1 << p)) == 0).ToArray();
            int party = LeastLoaded(candidates, load, a + b);
            load[party]++;
            terms[party][a].Add(b);
        }
        return [.. terms.Select(perParty => perParty.Select(list => list.ToArray()).ToArray())];
    }

    // Ties go round the parties from a rotating start, so equal loads do not all fall to party 0.
    private int LeastLoaded(int[] candidates, int[] load, int rotation) =>
        candidates.OrderBy(p => load[p]).ThenBy(p => ((p - rotation) % Parties + Parties) % Parties).First();
}
