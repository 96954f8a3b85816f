using System.Buffers.Binary;
using IncrementalHash = System.Security.Cryptography.IncrementalHash;
using HashAlgorithmName = System.Security.Cryptography.HashAlgorithmName;
using Mpc.Core;
using Org.BouncyCastle.Crypto.EC;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Math.EC;
using Org.BouncyCastle.Math.EC.Multiplier;
using Org.BouncyCastle.Security;

namespace Mpc.Runtime.Preprocessing.Ot;

/// <summary>
/// Base 1-out-of-2 oblivious transfer of random 16-byte keys: Chou and Orlandi, "The Simplest
/// Protocol for Oblivious Transfer" (LATINCRYPT 2015), over NIST P-256 with BouncyCastle's curve
/// arithmetic. Secure against a semi-honest sender or receiver under the computational
/// Diffie-Hellman assumption with SHA-256 as a random oracle. Only the 128 seeds of each OT
/// extension instance come from here.
/// </summary>
/// <remarks>
/// Wire format (points SEC1-compressed, 33 bytes):
/// step 0, sender to receiver: A = aG.
/// step 1, receiver to sender: B_i = b_i G (choice 0) or A + b_i G (choice 1), for i = 0..n-1.
/// Keys: k_i = SHA-256("mpc/base-ot/v1" | i (u32 LE) | A | B_i | P)[0..16] with P = b_i A at the
/// receiver, and P = a B_i (choice 0) or a (B_i - A) (choice 1) at the sender.
/// </remarks>
public static class BaseObliviousTransfer
{
    public const int KeyLength = 16;
    private const int PointLength = 33;
    private static readonly Org.BouncyCastle.Asn1.X9.X9ECParameters Curve = CustomNamedCurves.GetByName("secp256r1");

    /// <summary>Sender side: returns both keys of each of the <paramref name="count"/> transfers.</summary>
    public static async Task<(byte[][] Keys0, byte[][] Keys1)> SendAsync(IPartyChannel channel, int receiver, long tag, int count, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(channel);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        var random = new SecureRandom();
        var a = RandomScalar(random);
        var bigA = new FixedPointCombMultiplier().Multiply(Curve.G, a).Normalize();
        var encodedA = bigA.GetEncoded(true);
        await channel.SendAsync(receiver, tag, encodedA, cancellationToken).ConfigureAwait(false);
        var payload = await channel.ReceiveAsync(receiver, tag + 1, cancellationToken).ConfigureAwait(false);
        if (payload.Length != count * PointLength)
            throw new ProtocolAbortedException(ErrorMessages.PayloadSize(receiver, tag + 1, count * PointLength, payload.Length), channel.GetPartyName(receiver));
        var aA = bigA.Multiply(a).Normalize();
        var keys0 = new byte[count][];
        var keys1 = new byte[count][];
        for (int i = 0; i < count; i++)
        {
            var encodedB = payload.AsSpan(i * PointLength, PointLength).ToArray();
            var bigB = DecodePoint(encodedB, channel.GetPartyName(receiver));
            var p0 = bigB.Multiply(a).Normalize();
            var p1 = p0.Subtract(aA).Normalize();
            keys0[i] = DeriveKey(i, encodedA, encodedB, p0);
            keys1[i] = DeriveKey(i, encodedA, encodedB, p1);
        }
        return (keys0, keys1);
    }

    /// <summary>Receiver side: returns the key chosen by each choice bit.</summary>
    public static async Task<byte[][]> ReceiveAsync(IPartyChannel channel, int sender, long tag, bool[] choices, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(channel);
        ArgumentNullException.ThrowIfNull(choices);
        var random = new SecureRandom();
        var payload = await channel.ReceiveAsync(sender, tag, cancellationToken).ConfigureAwait(false);
        if (payload.Length != PointLength)
            throw new ProtocolAbortedException(ErrorMessages.PayloadSize(sender, tag, PointLength, payload.Length), channel.GetPartyName(sender));
        var bigA = DecodePoint(payload, channel.GetPartyName(sender));
        var multiplier = new FixedPointCombMultiplier();
        var message = new byte[choices.Length * PointLength];
        var scalars = new BigInteger[choices.Length];
        var encodedB = new byte[choices.Length][];
        for (int i = 0; i < choices.Length; i++)
        {
            scalars[i] = RandomScalar(random);
            var bigB = multiplier.Multiply(Curve.G, scalars[i]);
            if (choices[i]) bigB = bigB.Add(bigA);
            encodedB[i] = bigB.Normalize().GetEncoded(true);
            encodedB[i].CopyTo(message, i * PointLength);
        }
        await channel.SendAsync(sender, tag + 1, message, cancellationToken).ConfigureAwait(false);
        var keys = new byte[choices.Length][];
        for (int i = 0; i < choices.Length; i++)
            keys[i] = DeriveKey(i, payload, encodedB[i], bigA.Multiply(scalars[i]).Normalize());
        return keys;
    }

    private static BigInteger RandomScalar(SecureRandom random) =>
        Org.BouncyCastle.Utilities.BigIntegers.CreateRandomInRange(BigInteger.One, Curve.N.Subtract(BigInteger.One), random);

    // A peer's point must lie on the curve and not be the identity; BouncyCastle's decoder checks the curve equation.
    private static ECPoint DecodePoint(byte[] encoded, string peer)
    {
        try
        {
            var point = Curve.Curve.DecodePoint(encoded);
            if (point.IsInfinity || !point.IsValid()) throw new ArgumentException("point at infinity");
            return point;
        }
        catch (ArgumentException e)
        {
            throw new ProtocolAbortedException($"Session aborted: {peer} sent an invalid curve point in the base oblivious transfer ({e.Message}).", peer, e);
        }
    }

    private static byte[] DeriveKey(int index, byte[] encodedA, byte[] encodedB, ECPoint shared)
    {
        var encodedP = shared.IsInfinity ? new byte[1] : shared.GetEncoded(true);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData("mpc/base-ot/v1"u8);
        Span<byte> i = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(i, index);
        hash.AppendData(i);
        hash.AppendData(encodedA);
        hash.AppendData(encodedB);
        hash.AppendData(encodedP);
        return hash.GetHashAndReset()[..KeyLength];
    }
}
