using System.Buffers.Binary;
using System.Security.Cryptography;
using Mpc.Core;
using Org.BouncyCastle.Crypto.EC;
using BcPoint = Org.BouncyCastle.Math.EC.ECPoint;

namespace Mpc.Runtime.Preprocessing.Ot;

/// <summary>
/// Base 1-out-of-2 oblivious transfer of random 16-byte keys: Chou and Orlandi, "The Simplest
/// Protocol for Oblivious Transfer" (LATINCRYPT 2015), over NIST P-256. The scalar
/// multiplications are .NET's elliptic-curve Diffie-Hellman (OpenSSL: key generation and raw
/// secret agreement); the one point addition per transfer and the validation of a peer's points
/// are BouncyCastle's curve arithmetic. Secure against a semi-honest sender or receiver under the
/// computational Diffie-Hellman assumption with SHA-256 as a random oracle. Only the 128 seeds of
/// each OT extension instance come from here.
/// </summary>
/// <remarks>
/// Wire format (points SEC1-uncompressed, 65 bytes: 0x04 | X | Y, big-endian):
/// step 0, sender to receiver: A = aG.
/// step 1, receiver to sender: B_i = b_i G (choice 0) or A + b_i G (choice 1), for i = 0..n-1.
/// Keys: k_i = SHA-256("mpc/base-ot/v2" | i (u32 LE) | A | B_i | x(P))[0..16], with x(P) the
/// 32-byte x-coordinate of P = b_i A at the receiver, and of P = a B_i (key 0) or a (B_i - A)
/// (key 1) at the sender.
/// </remarks>
public static class BaseObliviousTransfer
{
    public const int KeyLength = 16;
    private const int PointLength = 65;
    private const int CoordinateLength = 32;
    private static readonly Org.BouncyCastle.Math.EC.ECCurve Curve = CustomNamedCurves.GetByName("secp256r1").Curve;

    /// <summary>Sender side: returns both keys of each of the <paramref name="count"/> transfers.</summary>
    public static async Task<(byte[][] Keys0, byte[][] Keys1)> SendAsync(IPartyChannel channel, int receiver, long tag, int count, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(channel);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        using var a = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
        var encodedA = Encode(a.ExportParameters(false).Q);
        await channel.SendAsync(receiver, tag, encodedA, cancellationToken).ConfigureAwait(false);
        var payload = await channel.ReceiveAsync(receiver, tag + 1, cancellationToken).ConfigureAwait(false);
        if (payload.Length != count * PointLength)
            throw new ProtocolAbortedException(ErrorMessages.PayloadSize(receiver, tag + 1, count * PointLength, payload.Length), channel.GetPartyName(receiver));
        string peer = channel.GetPartyName(receiver);
        var bigA = Curve.DecodePoint(encodedA);
        var keys0 = new byte[count][];
        var keys1 = new byte[count][];
        for (int i = 0; i < count; i++)
        {
            var encodedB = payload.AsSpan(i * PointLength, PointLength).ToArray();
            var bMinusA = Decode(encodedB, peer).Subtract(bigA).Normalize();
            // B_i = A would make the receiver's second key the point at infinity; no honest receiver sends it.
            if (bMinusA.IsInfinity) throw new ProtocolAbortedException($"Session aborted: {peer} sent the sender's own point in the base oblivious transfer.", peer);
            keys0[i] = DeriveKey(i, encodedA, encodedB, Agree(a, encodedB));
            keys1[i] = DeriveKey(i, encodedA, encodedB, Agree(a, bMinusA.GetEncoded(false)));
        }
        return (keys0, keys1);
    }

    /// <summary>Receiver side: returns the key chosen by each choice bit.</summary>
    public static async Task<byte[][]> ReceiveAsync(IPartyChannel channel, int sender, long tag, bool[] choices, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(channel);
        ArgumentNullException.ThrowIfNull(choices);
        var payload = await channel.ReceiveAsync(sender, tag, cancellationToken).ConfigureAwait(false);
        if (payload.Length != PointLength)
            throw new ProtocolAbortedException(ErrorMessages.PayloadSize(sender, tag, PointLength, payload.Length), channel.GetPartyName(sender));
        var bigA = Decode(payload, channel.GetPartyName(sender));
        using var publicA = PublicKey(payload);
        var message = new byte[choices.Length * PointLength];
        var keys = new byte[choices.Length][];
        for (int i = 0; i < choices.Length; i++)
        {
            using var b = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
            var encodedB = Encode(b.ExportParameters(false).Q);
            if (choices[i])
            {
                var sum = Curve.DecodePoint(encodedB).Add(bigA).Normalize();
                // b_i G = -A happens with probability 2^-256; a fresh b_i is as good as any.
                if (sum.IsInfinity) { i--; continue; }
                encodedB = sum.GetEncoded(false);
            }
            encodedB.CopyTo(message, i * PointLength);
            keys[i] = DeriveKey(i, payload, encodedB, b.DeriveRawSecretAgreement(publicA.PublicKey));
        }
        await channel.SendAsync(sender, tag + 1, message, cancellationToken).ConfigureAwait(false);
        return keys;
    }

    private static byte[] Encode(ECPoint q)
    {
        var encoded = new byte[PointLength];
        encoded[0] = 0x04;
        q.X!.CopyTo(encoded, 1);
        q.Y!.CopyTo(encoded, 1 + CoordinateLength);
        return encoded;
    }

    private static ECDiffieHellman PublicKey(byte[] encoded) => ECDiffieHellman.Create(new ECParameters
    {
        Curve = ECCurve.NamedCurves.nistP256,
        Q = new ECPoint { X = encoded[1..(1 + CoordinateLength)], Y = encoded[(1 + CoordinateLength)..] },
    });

    private static byte[] Agree(ECDiffieHellman own, byte[] encodedPeer)
    {
        using var peer = PublicKey(encodedPeer);
        return own.DeriveRawSecretAgreement(peer.PublicKey);
    }

    // A peer's point must be uncompressed, lie on the curve and not be the identity; BouncyCastle's decoder checks the curve equation.
    private static BcPoint Decode(byte[] encoded, string peer)
    {
        try
        {
            if (encoded[0] != 0x04) throw new ArgumentException("not an uncompressed point");
            var point = Curve.DecodePoint(encoded);
            if (point.IsInfinity || !point.IsValid()) throw new ArgumentException("point at infinity");
            return point;
        }
        catch (ArgumentException e)
        {
            throw new ProtocolAbortedException($"Session aborted: {peer} sent an invalid curve point in the base oblivious transfer ({e.Message}).", peer, e);
        }
    }

    /// <summary>
    /// The key of OT j when 128 extended OTs stand in for the base OTs of the instance in the other direction (as libOTe sets up one
    /// direction from the other): SHA-256("mpc/base-ot-from-extension/v1" | tag (i64 LE) | j (u32 LE) | row (two u64 LE))[0..16],
    /// a random oracle of the row, so the receiver learns the key it chose and nothing of the other (it lacks Delta).
    /// </summary>
    public static byte[] KeyFromExtensionRow(long tag, int index, ulong low, ulong high)
    {
        Span<byte> input = stackalloc byte[29 + 8 + 4 + 16];
        "mpc/base-ot-from-extension/v1"u8.CopyTo(input);
        BinaryPrimitives.WriteInt64LittleEndian(input[29..], tag);
        BinaryPrimitives.WriteInt32LittleEndian(input[37..], index);
        BinaryPrimitives.WriteUInt64LittleEndian(input[41..], low);
        BinaryPrimitives.WriteUInt64LittleEndian(input[49..], high);
        Span<byte> digest = stackalloc byte[32];
        SHA256.HashData(input, digest);
        var key = digest[..KeyLength].ToArray();
        CryptographicOperations.ZeroMemory(input);
        CryptographicOperations.ZeroMemory(digest);
        return key;
    }

    private static byte[] DeriveKey(int index, byte[] encodedA, byte[] encodedB, byte[] sharedX)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData("mpc/base-ot/v2"u8);
        Span<byte> i = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(i, index);
        hash.AppendData(i);
        hash.AppendData(encodedA);
        hash.AppendData(encodedB);
        hash.AppendData(sharedX);
        return hash.GetHashAndReset()[..KeyLength];
    }
}
