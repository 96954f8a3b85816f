using Microsoft.Extensions.Logging;
using Mpc.Federation.Protocols;
using Mpc.Net;

namespace Mpc.Federation.Sessions;

/// <summary>What the daemon lends each session: the narrow services a session uses, not the daemon itself.</summary>
/// <remarks>
/// <see cref="PeerHelloBytes"/>: Cap on a peer's frames before it is admitted to the session.<br/>
/// <see cref="PeerStream"/>: Wraps a peer connection's stream (a simulated link in local trials).<br/>
/// <see cref="Stopping"/>: Cancelled when the daemon stops: running sessions abort, naming the shutdown.<br/>
/// <see cref="IsDraining"/>: Whether a shutdown began: new sessions are refused.<br/>
/// </remarks>
internal sealed record SessionServices(
    ProtocolCatalog Catalog,
    Mpc.Ledger.PrivacyLedger? Ledger,
    DataRefusalLimiter DataRefusals,
    SessionRegistry Registry,
    PartyCredentials Credentials,
    TimeProvider Clock,
    ILogger Logger,
    TimeSpan HandshakeTimeout,
    int PeerHelloBytes,
    Func<Stream, Stream> PeerStream,
    CancellationToken Stopping,
    Func<bool> IsDraining);
