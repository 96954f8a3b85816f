using Mpc.Core;
using Mpc.Runtime.Preprocessing.Ot;

namespace Mpc.Runtime.Preprocessing;

/// <remarks>
/// Component keys, so that exactly a component's N - t holders know its key: with three parties the holders' pairwise
/// seed (two holders, known to them alone); with more, the lowest holder draws a fresh key from the OS CSPRNG and sends
/// it to the other holders over their pairwise TLS links (16 bytes a key; 20 sent in all at N = 5, 105 at N = 7),
/// once per session before the first draw. Each component's PRG is AES-CTR keyed by the key derived with a label, as
/// the other seeds are.
/// </remarks>
public sealed partial class ReplicatedPreprocessing<T>
{
    private byte[]?[] _keys = [];

    /// <summary>The keys of the components this party holds, by component (null where it misses one); for tests of who knows what.</summary>
    internal IReadOnlyList<byte[]?> ComponentKeys => _keys;

    private async Task AgreeKeysAsync()
    {
        int self = _channel.PartyIndex, parties = _plan.Parties;
        long tag = PreprocessingTags.Of(PreprocessingTags.ReplicatedKeys, K, 0, 0);
        var keys = new byte[]?[_plan.ComponentCount];
        var outgoing = Enumerable.Range(0, parties).Select(_ => new List<byte>()).ToArray();
        var incoming = new List<int>[parties];
        for (int p = 0; p < parties; p++) incoming[p] = [];
        foreach (int c in _held)
        {
            var holders = _plan.Holders(c);
            if (holders.Length == 2) keys[c] = _seeds.SeedWith(holders[0] == self ? holders[1] : holders[0]).ToArray();
            else if (holders[0] != self) incoming[holders[0]].Add(c);
            else
            {
                keys[c] = AesCtrRandom.NewSeed();
                foreach (int holder in holders.Skip(1)) outgoing[holder].AddRange(keys[c]!);
            }
        }
        // Wire format: the 16-byte keys of the components the sender deals and the receiver holds, in increasing component order.
        var sends = Enumerable.Range(0, parties).Where(p => outgoing[p].Count > 0)
            .Select(p => _channel.SendAsync(p, tag, outgoing[p].ToArray(), _cancellation).AsTask()).ToArray();
        for (int peer = 0; peer < parties; peer++)
        {
            if (incoming[peer].Count == 0) continue;
            var received = await _channel.ReceiveAsync(peer, tag, _cancellation).ConfigureAwait(false);
            int expected = incoming[peer].Count * AesCtrRandom.SeedLength;
            if (received.Length != expected) throw new ProtocolAbortedException(ErrorMessages.PayloadSize(peer, tag, expected, received.Length), _channel.GetPartyName(peer));
            for (int i = 0; i < incoming[peer].Count; i++) keys[incoming[peer][i]] = received.AsSpan(i * AesCtrRandom.SeedLength, AesCtrRandom.SeedLength).ToArray();
        }
        await Task.WhenAll(sends).ConfigureAwait(false);
        foreach (int c in _held) _components[c] = new AesCtrRandom(AesCtrRandom.DeriveSeed(keys[c]!, "mpc/replicated/component/" + _ring));
        _keys = keys;
    }
}
