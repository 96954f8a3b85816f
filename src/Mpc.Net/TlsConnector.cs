using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;

namespace Mpc.Net;

/// <summary>
/// TLS 1.3 with mutual authentication and key pinning: no certificate authority is involved; each
/// side accepts the other only if its public-key fingerprint is the one the roster lists. The TLS
/// stream runs over a <see cref="BufferedSocketStream"/>: what is written leaves on a flush
/// (<see cref="FramedConnection"/> flushes every frame) or, for at most a second and not under a running write,
/// when the stream closes.
/// </summary>
public static class TlsConnector
{
    // Stable id of this kind of event in a daemon's log (docs/operating.md, "Logs"), beside Mpc.Federation's DaemonEvents.
    private static readonly EventId HandshakeRefused = new(1102, nameof(HandshakeRefused));

    /// <summary>Dials a roster member and checks that the server holds that member's key.</summary>
    public static async Task<SslStream> ConnectAsync(RosterMember target, PartyCredentials self, ILogger logger, TimeSpan timeout, CancellationToken cancellationToken, TimeProvider? clock = null)
    {
        clock ??= TimeProvider.System;
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(self);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        var client = new TcpClient { NoDelay = true };
        try
        {
            await client.ConnectAsync(target.Host!, target.Port, deadline.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is SocketException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            client.Dispose();
            throw new IOException(NetErrors.PeerUnreachable(target.Name, target.Endpoint, e.Message), e);
        }
        string? refusal = null;
        var ssl = new SslStream(new BufferedSocketStream(client.GetStream()), leaveInnerStreamOpen: false);
        var options = new SslClientAuthenticationOptions
        {
            TargetHost = target.Name,
            ClientCertificates = [self.Certificate],
            EnabledSslProtocols = SslProtocols.Tls13,
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
            RemoteCertificateValidationCallback = (_, certificate, _, _) =>
            {
                refusal = CheckPinned(certificate, target, clock.GetUtcNow());
                return refusal is null;
            },
        };
        try
        {
            await ssl.AuthenticateAsClientAsync(options, deadline.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is AuthenticationException or IOException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            await ssl.DisposeAsync().ConfigureAwait(false);
            string reason = refusal ?? $"TLS handshake with {target.Name} at {target.Endpoint} failed: {e.Message}";
            logger.LogWarning(HandshakeRefused, "Refused {Peer} at {Endpoint}: {Reason}", target.Name, target.Endpoint, reason);
            throw new PeerAuthenticationException(reason, e);
        }
        return ssl;
    }

    /// <summary>Completes the server side of a handshake; the client must hold a key listed in the roster.</summary>
    public static async Task<(SslStream Stream, RosterMember Peer)> AcceptAsync(TcpClient client, Roster roster, PartyCredentials self, ILogger logger, TimeSpan timeout, CancellationToken cancellationToken,
        TimeProvider? clock = null)
    {
        clock ??= TimeProvider.System;
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(roster);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        string remote = client.Client.RemoteEndPoint?.ToString() ?? "unknown address";
        RosterMember? peer = null;
        string? refusal = null;
        var ssl = new SslStream(new BufferedSocketStream(client.GetStream()), leaveInnerStreamOpen: false);
        var options = new SslServerAuthenticationOptions
        {
            ServerCertificate = self.Certificate,
            ClientCertificateRequired = true,
            EnabledSslProtocols = SslProtocols.Tls13,
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
            RemoteCertificateValidationCallback = (_, certificate, _, _) =>
            {
                if (certificate is null)
                {
                    refusal = "it presented no certificate";
                    return false;
                }
                using var x509 = new X509Certificate2(certificate);
                string fingerprint = KeyFingerprint.Of(x509);
                peer = roster.FindByKey(fingerprint, clock.GetUtcNow());
                if (peer is null) refusal = roster.KeyRefusal(fingerprint);
                return peer is not null;
            },
        };
        try
        {
            await ssl.AuthenticateAsServerAsync(options, deadline.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is AuthenticationException or IOException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            await ssl.DisposeAsync().ConfigureAwait(false);
            string reason = $"refused connection from {remote}: {refusal ?? e.Message}";
            logger.LogWarning(HandshakeRefused, "Refused connection from {Remote}: {Reason}", remote, refusal ?? e.Message);
            throw new PeerAuthenticationException(reason, e);
        }
        return (ssl, peer!);
    }

    /// <summary>The fingerprint of the key the other side of an authenticated stream presented.</summary>
    public static string PresentedKey(SslStream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var certificate = new X509Certificate2(stream.RemoteCertificate ?? throw new InvalidOperationException(NetErrors.StreamNotAuthenticated));
        return KeyFingerprint.Of(certificate);
    }

    private static string? CheckPinned(X509Certificate? certificate, RosterMember expected, DateTimeOffset now)
    {
        if (certificate is null) return $"{expected.Name} presented no certificate";
        using var x509 = new X509Certificate2(certificate);
        string fingerprint = KeyFingerprint.Of(x509);
        return expected.Holds(fingerprint, now) ? null
            : fingerprint == expected.PreviousKey ? expected.KeyRefusal(fingerprint)
            : $"{expected.Name} at {expected.Endpoint} presented key {fingerprint}, but the roster lists {expected.PublicKey}";
    }
}
