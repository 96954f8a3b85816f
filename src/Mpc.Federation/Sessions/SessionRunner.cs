using Microsoft.Extensions.Logging;
using Mpc.Audit;
using Mpc.Core;
using Mpc.Data;
using Mpc.Federation.Protocols;
using Mpc.Net;
using Mpc.Runtime;

namespace Mpc.Federation.Sessions;

/// <summary>
/// Runs an admitted session at this party: connects the peer mesh, agrees the dealer's seeds when that engine is
/// used, opens the transcript, builds the channel and the reveal policy, and hands the protocol a ready context.
/// </summary>
internal sealed class SessionRunner(Guid session, PartySettings party, SessionServices services, RosterMember analyst, FramedConnection analystConnection,
    AdmittedSession admitted, SessionBudget budget, CancellationToken cancel) : IAsyncDisposable
{
    private CsvTable? _dataset = admitted.Dataset;

    /// <summary>The session's channel to its peers, once connected: its first failure is the abort's cause.</summary>
    public TlsPartyChannel? Channel { get; private set; }

    public TranscriptWriter? Transcript { get; private set; }

    /// <summary>Runs the protocol to its end at this party; returns the end to send the analyst (a failure throws).</summary>
    public async Task<SessionEnd> RunAsync(PeerMesh mesh)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var (connections, seeds) = await mesh.ConnectAsync().ConfigureAwait(false);
        var dealerMaterial = admitted.Preprocessing == PreprocessingMode.Dealer ? await mesh.ExchangeDealerSeedsAsync(connections).ConfigureAwait(false) : [];
        var transcript = Transcript = SessionTranscript.Open(session, party, admitted, services.Credentials, analyst, analystConnection, connections, services.Clock.GetUtcNow());
        var names = party.Roster.Parties.Select(p => p.Name).ToList();
        var channel = Channel = new TlsPartyChannel(session, party.Self.Index, names, connections, party.Configuration.PeerTimeout,
            transcript is null ? null : new SessionTranscript.Observer(transcript, names));
        var sink = new AnalystOutputSink(analystConnection, session, transcript);
        var policy = new DeclaredOutputsPolicy(admitted.Protocol.Outputs, admitted.Epsilon, (output, release) => Release(transcript, output, release), admitted.Privacy.Delta,
            admitted.AssumedHonestParties, admitted.Privacy.LimitsFor(admitted.DatasetName));
        var configuration = party.Configuration;
        var context = new ProtocolContext(channel, admitted.Parameters, LoadDataset, seeds, admitted.Preprocessing, dealerMaterial,
            policy, sink, sink.ReportProgress, cancel, configuration.ScriptTimeLimit, services.Logger, configuration.ScriptMemoryLimitBytes);
        await admitted.Protocol.RunAsync(context).ConfigureAwait(false);
        return new SessionEnd
        {
            Completed = true, Rounds = context.Rounds, BytesSent = context.BytesSent, Preprocessing = PreprocessingEngines.Name(admitted.Preprocessing), ProtocolSeconds = watch.Elapsed.TotalSeconds,
            PrivateReleases = policy.Releases.Select(r => FormattableString.Invariant(
                $"{r.Mechanism}: mu {r.Noise:G6}, L1 {r.L1Sensitivity}, L2 {r.L2Sensitivity}, epsilon {r.Epsilon}, delta {r.Delta}, honest parties {r.HonestParties}{(r.SamplingRate < 1 ? $", sampling rate {r.SamplingRate}" : "")}")).ToList(),
        };
    }

    // A protocol may read its dataset only once it runs; admission may have read it already to check the parameters.
    private CsvTable LoadDataset() =>
        _dataset ??= admitted.DatasetPath.Length > 0 ? CsvTable.Load(admitted.DatasetPath, admitted.DatasetName)
            : throw new ParameterProblemException(FederationErrors.NoDatasetForProtocol(party.Self.Name));

    // Charged in the ledger before the noised value leaves this party, then recorded in the transcript.
    private void Release(TranscriptWriter? transcript, string output, NoisedRelease release)
    {
        budget.Charge(admitted, output, release);
        transcript?.PrivateRelease(output, release);
    }

    /// <summary>Signs the transcript's end entry, naming the reason of an abort.</summary>
    public void CloseTranscript(bool completed, string? reason) =>
        Transcript?.Close(completed, reason, services.Credentials.Certificate, SessionTranscript.Chain(party), session);

    public async ValueTask DisposeAsync()
    {
        if (Channel is not null) await Channel.DisposeAsync().ConfigureAwait(false);
        Transcript?.Dispose();
    }
}
