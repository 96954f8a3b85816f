namespace Mpc.Runtime;

/// <summary>
/// Where this party's shares of declared outputs go: to the analyst, who alone reconstructs them.
/// The parties themselves learn nothing from an output.
/// </summary>
public interface IOutputSink
{
    ValueTask DeliverAsync(OutputShares shares, CancellationToken cancellationToken);
}
