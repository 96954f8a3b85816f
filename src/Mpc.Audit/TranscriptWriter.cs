using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Mpc.Runtime;

namespace Mpc.Audit;

/// <summary>
/// Writes one party's transcript of one session as it runs: JSON lines forming a hash chain,
/// closed by a signature over the chain head with the party's key.
/// </summary>
/// <remarks>
/// Format (UTF-8, one JSON object per line, documented for independent checkers):
///   line 0, "type": "header": session, party, rosterHash, protocol, protocolId, parameters,
///     parametersHash, outputs (the declared output names), outputKinds (each declared output's kind by name, for
///     example "DifferentiallyPrivate"; absent in earlier versions), privateKinds (the kinds the party noises before
///     release; absent in earlier versions), preprocessing, ringBits,
///     fractionalBits, software, certificate (the party's PEM certificate), analyst (roster name),
///     analystKey (the key fingerprint the analyst presented in the TLS handshake: during a rotation possibly its
///     previous key), peerKeys (each peer's name and the key fingerprint it presented), started (UTC, ISO 8601).
///   then entries, "type" one of:
///     "send" / "receive": peer, tag, length, sha256 (of the payload; the payload itself is never stored);
///     "output": name, elements, sha256 (of the share block sent to the analyst);
///     "dp": name, mechanism, parameters (the mechanism's: noise, l1, l2, samplingRate, honestParties), epsilon, delta
///       (the cost the party's accountant charged), before the noised output; transcripts of earlier versions hold the
///       parameters flat in the entry with the noise as "mu" (distributed Skellam), and the auditor reads both;
///     "end": status ("completed" or "aborted"), reason, time (UTC, ISO 8601), and with a chain
///       chainPrevious: the hash of the end line of the session this party closed before (see TranscriptChain).
///   Fields came in versions: started, analyst, analystKey (header) and time (end) together, then peerKeys, then
///   outputKinds, then privateKinds; a header holding a field of one version holds those of every earlier one, and the
///   auditor reports any field of an entry's format that is missing, naming the entry and the field.
///   every line has "seq" (0, 1, 2, ...) and "prev": the hex SHA-256 of the previous line's bytes
///   (64 zeros for the header). The last line, "type": "signature", holds "head" (the SHA-256 of
///   the line before it), "algorithm" ("ECDSA-P256-SHA256") and "signature" (base64, IEEE P1363)
///   over the UTF-8 bytes of "head".
/// Lines are flushed as they are written, so a crash keeps every entry up to the last; such a
/// transcript has no signature line, which the auditor reports.
/// </remarks>
public sealed class TranscriptWriter : IDisposable
{
    public const string Algorithm = "ECDSA-P256-SHA256";
    // One instance for every line: options built per line cost each of a session's frames an allocation and a lookup (issue 29).
    private static readonly JsonSerializerOptions LineOptions = new() { WriteIndented = false };
    private readonly StreamWriter _writer;
    private readonly Lock _gate = new();
    private string _previous = new('0', 64);
    private long _sequence;
    private bool _closed;

    public TranscriptWriter(string path, TranscriptHeader header)
    {
        ArgumentNullException.ThrowIfNull(header);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        FilePath = path;
        _writer = new StreamWriter(new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read), new UTF8Encoding(false)) { AutoFlush = true, NewLine = "\n" };
        Append("header", header.ToJson());
    }

    public string FilePath { get; }

    /// <summary>Logs a frame about to be sent; once the transcript is closed (the session ended) it throws, so that no frame leaves unlogged and the peer's log never holds a frame this one lacks.</summary>
    public void Sent(string peer, long tag, ReadOnlySpan<byte> payload)
    {
        lock (_gate)
        {
            if (_closed) throw new InvalidOperationException($"The transcript of this session is closed: the frame to {peer} (tag {tag}) is not sent.");
            Frame("send", peer, tag, payload);
        }
    }

    public void Received(string peer, long tag, ReadOnlySpan<byte> payload) => Frame("receive", peer, tag, payload);

    public void Output(string name, int elements, ReadOnlySpan<byte> shares) =>
        Append("output", new JsonObject { ["name"] = name, ["elements"] = elements, ["sha256"] = Convert.ToHexStringLower(SHA256.HashData(shares)) });

    /// <summary>A differentially private release as the party accounted for it: its mechanism and parameters, and the (epsilon, delta) it spends.</summary>
    public void PrivateRelease(string name, NoisedRelease release)
    {
        ArgumentNullException.ThrowIfNull(release);
        var parameters = new JsonObject
        {
            ["noise"] = release.Noise, ["l1"] = release.L1Sensitivity, ["l2"] = release.L2Sensitivity, ["samplingRate"] = release.SamplingRate, ["honestParties"] = release.HonestParties,
        };
        Append("dp", new JsonObject { ["name"] = name, ["mechanism"] = release.Mechanism, ["parameters"] = parameters, ["epsilon"] = release.Epsilon, ["delta"] = release.Delta });
    }

    /// <summary>Whether the transcript is closed: a frame sent now could not be logged, so it must not be sent.</summary>
    public bool IsClosed
    {
        get
        {
            lock (_gate) return _closed;
        }
    }

    /// <summary>Ends the transcript and signs its head, linking it into <paramref name="chain"/> when given; later calls do nothing.</summary>
    public void Close(bool completed, string? reason, X509Certificate2 signer, TranscriptChain? chain = null, Guid session = default)
    {
        ArgumentNullException.ThrowIfNull(signer);
        if (chain is null)
        {
            Close(completed, reason, signer, (string?)null);
            return;
        }
        chain.Advance(session, previous => Close(completed, reason, signer, previous) ?? previous);
    }

    // Returns the hash of the end line (null when already closed).
    private string? Close(bool completed, string? reason, X509Certificate2 signer, string? chainPrevious)
    {
        lock (_gate)
        {
            if (_closed) return null;
            var end = new JsonObject { ["status"] = completed ? "completed" : "aborted", ["reason"] = reason, ["time"] = DateTimeOffset.UtcNow.UtcDateTime.ToString("O", System.Globalization.CultureInfo.InvariantCulture) };
            if (chainPrevious is not null) end["chainPrevious"] = chainPrevious;
            Append("end", end);
            string endHash = _previous;
            using var key = signer.GetECDsaPrivateKey() ?? throw new CryptographicException("The signing certificate has no ECDSA private key.");
            var signature = key.SignData(Encoding.UTF8.GetBytes(_previous), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
            var line = new JsonObject { ["seq"] = _sequence, ["type"] = "signature", ["head"] = _previous, ["algorithm"] = Algorithm, ["signature"] = Convert.ToBase64String(signature) };
            _writer.WriteLine(line.ToJsonString());
            _closed = true;
            return endHash;
        }
    }

    private void Frame(string type, string peer, long tag, ReadOnlySpan<byte> payload) =>
        Append(type, new JsonObject { ["peer"] = peer, ["tag"] = tag, ["length"] = payload.Length, ["sha256"] = Convert.ToHexStringLower(SHA256.HashData(payload)) });

    private void Append(string type, JsonObject fields)
    {
        lock (_gate)
        {
            if (_closed) return;
            var line = new JsonObject { ["seq"] = _sequence++, ["type"] = type, ["prev"] = _previous };
            foreach (var (key, value) in fields.ToList())
            {
                fields.Remove(key);
                line[key] = value;
            }
            string text = line.ToJsonString(LineOptions);
            _writer.WriteLine(text);
            _previous = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
        }
    }

    public void Dispose() => _writer.Dispose();
}
