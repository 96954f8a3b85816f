using Mpc.Net;
using Mpc.Runtime;

namespace Mpc.Federation;

/// <summary>Sends a party's output shares and progress to the analyst over the session's analyst connection.</summary>
internal sealed class AnalystOutputSink(FramedConnection analyst, Guid sessionId, Mpc.Audit.TranscriptWriter? transcript) : IOutputSink
{
    public async ValueTask DeliverAsync(OutputShares shares, CancellationToken cancellationToken)
    {
        transcript?.Output(shares.Name, checked(shares.Rows * shares.Columns), shares.Shares);
        var message = new OutputMessage
        {
            Name = shares.Name, Rows = shares.Rows, Columns = shares.Columns, Scale = shares.Scale, RingBits = shares.RingBits, Shares = shares.Shares,
        };
        await analyst.SendAsync(sessionId, 0, FrameKind.Control, ControlCodec.Encode(message), cancellationToken).ConfigureAwait(false);
    }

    public void ReportProgress(string stage, double fraction)
    {
        // Progress is advisory: a lost update must not fail the session.
        _ = analyst.SendAsync(sessionId, 0, FrameKind.Control, ControlCodec.Encode(new ProgressMessage { Stage = stage, Fraction = fraction }), CancellationToken.None)
            .AsTask().ContinueWith(t => _ = t.Exception, TaskScheduler.Default);
    }
}
