using System.Collections.Concurrent;
using Mpc.Data;
using Mpc.Federation.Protocols;
using Mpc.Runtime;
using Mpc.Scripting;

namespace Mpc.EndToEnd.Tests;

/// <summary>
/// The daemon relays a script worker's sends without waiting for each to leave (issue 31): a link that holds a send (its bytes
/// still serialising, as on a slow link between hospitals) holds neither the sends to the other peers nor the worker's receives.
/// </summary>
public class WorkerRelaySendTests
{
    private const string StackThenOutput = """
        Describe("Stacks a column of every party and outputs its total.");
        Parameter("column", ParameterType.Column, "age", "A column.");
        Output("total", "The stacked total.");
        Run(async mpc =>
        {
            var rows = await mpc.Stack(mpc.Column(mpc.Text("column")));
            await mpc.Output("total", rows.Sum());
        });
        """;

    [Fact]
    public async Task ASendHeldOnOneLinkHoldsNeitherTheOtherLinksNorTheWorkersReceives()
    {
        var script = ScriptCompiler.Compile(StackThenOutput, "stack-total", "stack-total.csx");
        var channel = new HeldLinkChannel();
        var parameters = ProtocolParameters.Bind(script.Parameters, new Dictionary<string, string> { ["column"] = "age" });
        var table = CsvTable.Parse(new StringReader("age\n1\n2\n"), "test.csv");
        var outputs = new CollectedOutputs();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        var context = new ProtocolContext(channel, parameters, () => table, PairwiseSeeds.CreateForLocalParties(3)[0], PreprocessingMode.Ot, [],
            OpenRevealPolicy.Instance, outputs, null, timeout.Token);

        // Party 0 sends its row count to both peers, then waits for theirs: the send to party 1 is released only once the worker's
        // receive has reached this channel, so relaying each send in turn would never finish (the timeout would end it).
        await script.RunAsync(context);

        Assert.True(channel.HeldSendReleased);
        Assert.Contains(channel.Sent, s => s.Peer == 2);
        Assert.Equal("total", Assert.Single(outputs.Names));
    }

    // Party 0 of three: sends to party 1 wait until a receive was asked for; a receive answers a row count of 2.
    private sealed class HeldLinkChannel : IPartyChannel
    {
        private readonly TaskCompletionSource _receiveAsked = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public ConcurrentBag<(int Peer, long Tag)> Sent { get; } = [];

        public bool HeldSendReleased { get; private set; }

        public int PartyIndex => 0;

        public int PartyCount => 3;

        public string GetPartyName(int index) => $"p{index}";

        public async ValueTask SendAsync(int peer, long tag, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
        {
            if (peer == 1)
            {
                await _receiveAsked.Task.WaitAsync(cancellationToken);
                HeldSendReleased = true;
            }
            Sent.Add((peer, tag));
        }

        public ValueTask<byte[]> ReceiveAsync(int peer, long tag, CancellationToken cancellationToken)
        {
            _receiveAsked.TrySetResult();
            return ValueTask.FromResult(BitConverter.GetBytes(2));
        }
    }

    private sealed class CollectedOutputs : IOutputSink
    {
        public ConcurrentBag<string> Names { get; } = [];

        public ValueTask DeliverAsync(OutputShares shares, CancellationToken cancellationToken)
        {
            Names.Add(shares.Name);
            return ValueTask.CompletedTask;
        }
    }
}
