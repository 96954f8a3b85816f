using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Mpc.Core;

namespace Mpc.Runtime.Preprocessing.Ot;

/// <summary>
/// The sender's half of one IKNP oblivious-transfer extension instance (Ishai, Kilian, Nissim and
/// Petrank, CRYPTO 2003), semi-honest. After 128 base OTs in which it chose the bits of its secret
/// Delta, each extension gives it rows q_j with q_j = t_j XOR c_j * Delta, where t_j and the choice
/// c_j are the receiver's. Hashing q_j and q_j XOR Delta (<see cref="CorrelationRobustHash"/>) gives
/// the two OT messages; the receiver can compute only the one it chose.
/// </summary>
/// <remarks>
/// Wire format of an extension of m OTs (m a multiple of 128): the receiver sends u, the 128
/// columns u_i = G(k_i^0, tag) XOR G(k_i^1, tag) XOR c of m bits each (<see cref="TaggedPrg"/>), column after column, ulongs little-endian
/// (16 m bytes). The malicious-receiver consistency check of KOS (CRYPTO 2015) is not run: like the
/// rest of the runtime this protects against passive adversaries only.
/// </remarks>
public sealed class IknpSender : IDisposable
{
    private readonly ulong[] _delta;
    private readonly byte[][] _keys;
    private readonly string _peerName;

    private IknpSender(ulong[] delta, byte[][] keys, string peerName)
    {
        _delta = delta;
        _keys = keys;
        _peerName = peerName;
    }

    /// <summary>Delta as two ulongs (low word first); secret to this party.</summary>
    public ReadOnlySpan<ulong> Delta => _delta;

    /// <summary>Runs the base OTs as their receiver, choosing the bits of a fresh random Delta.</summary>
    public static async Task<IknpSender> SetupAsync(IPartyChannel channel, int peer, long tag, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(channel);
        var delta = MemoryMarshal.Cast<byte, ulong>(RandomNumberGenerator.GetBytes(16)).ToArray();
        var choices = new bool[128];
        for (int i = 0; i < 128; i++) choices[i] = ((delta[i >> 6] >> (i & 63)) & 1) != 0;
        var keys = await BaseObliviousTransfer.ReceiveAsync(channel, peer, tag, choices, cancellationToken).ConfigureAwait(false);
        return new IknpSender(delta, keys, channel.GetPartyName(peer));
    }

    /// <summary>An instance from known base-OT keys (tests replay an extension with the same randomness).</summary>
    internal static IknpSender FromBaseKeys(ulong[] delta, byte[][] keys, string peerName) =>
        new((ulong[])delta.Clone(), keys.Select(k => (byte[])k.Clone()).ToArray(), peerName);

    /// <summary>Receives u for m OTs and returns the rows q_j (two ulongs each) in a pooled array of at least 2m ulongs; return it to <see cref="OtBuffers"/>.</summary>
    public async Task<ulong[]> ExtendAsync(IPartyChannel channel, int peer, long tag, int m, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(channel);
        if (m <= 0 || (m & 127) != 0) throw new ArgumentOutOfRangeException(nameof(m), "OT extension runs in multiples of 128.");
        var payload = await channel.ReceiveAsync(peer, tag, cancellationToken).ConfigureAwait(false);
        int expected = checked(16 * m);
        if (payload.Length != expected) throw new ProtocolAbortedException(ErrorMessages.PayloadSize(peer, tag, expected, payload.Length), _peerName);
        int words = m / 64;
        var u = MemoryMarshal.Cast<byte, ulong>(payload.AsSpan());
        var q = OtBuffers.Rent(128 * words);
        for (int i = 0; i < 128; i++)
        {
            var column = q.AsSpan(i * words, words);
            TaggedPrg.Fill(_keys[i], tag, column);
            if (((_delta[i >> 6] >> (i & 63)) & 1) != 0) BitSlicing.Xor(column, u.Slice(i * words, words), column);
        }
        var rows = OtBuffers.Rent(2 * m);
        BitTranspose.ColumnsToRows(q.AsSpan(0, 128 * words), words, rows.AsSpan(0, 2 * m));
        OtBuffers.Return(q);
        return rows;
    }

    public void Dispose() => Array.ForEach(_keys, k => Array.Clear(k));
}
