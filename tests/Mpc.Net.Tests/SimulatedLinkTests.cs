using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Mpc.Net.Tests;

/// <summary>
/// The simulated link of `mpc local --latency --bandwidth`, over a real loopback TCP connection:
/// every message arrives at least one latency after it was sent, a transfer takes at least its bits
/// over the bandwidth, and the bytes arrive whole and in order. Only lower bounds are asserted, so a
/// busy machine cannot fail them.
/// </summary>
public class SimulatedLinkTests
{
    private static async Task<(Stream Left, Stream Right, IDisposable Cleanup)> ConnectedPairAsync(NetworkModel model)
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var client = new TcpClient { NoDelay = true };
        var accept = listener.AcceptTcpClientAsync();
        await client.ConnectAsync(IPAddress.Loopback, ((IPEndPoint)listener.LocalEndpoint).Port);
        var server = await accept;
        server.NoDelay = true;
        listener.Stop();
        return (new SimulatedLinkStream(client.GetStream(), model), new SimulatedLinkStream(server.GetStream(), model), new Both(client, server));
    }

    private sealed class Both(TcpClient a, TcpClient b) : IDisposable
    {
        public void Dispose()
        {
            a.Dispose();
            b.Dispose();
        }
    }

    private static async Task ReadExactlyAsync(Stream stream, byte[] buffer)
    {
        int got = 0;
        while (got < buffer.Length)
        {
            int n = await stream.ReadAsync(buffer.AsMemory(got));
            Assert.True(n > 0, "the link closed early");
            got += n;
        }
    }

    [Fact]
    public async Task EveryRoundTripCostsAtLeastTwoLatencies()
    {
        var model = new NetworkModel(TimeSpan.FromMilliseconds(20), double.PositiveInfinity);
        var (left, right, cleanup) = await ConnectedPairAsync(model);
        using var _ = cleanup;
        const int Rounds = 10;
        var echo = Task.Run(async () =>
        {
            var message = new byte[100];
            for (int r = 0; r < Rounds; r++)
            {
                await ReadExactlyAsync(right, message);
                await right.WriteAsync(message);
                await right.FlushAsync();
            }
        });
        var sent = new byte[100];
        var received = new byte[100];
        var watch = Stopwatch.StartNew();
        for (int r = 0; r < Rounds; r++)
        {
            sent[0] = (byte)r;
            await left.WriteAsync(sent);
            await left.FlushAsync();
            await ReadExactlyAsync(left, received);
            Assert.Equal(r, received[0]);
        }
        watch.Stop();
        await echo;
        // A hop may deliver up to 1 ms early: the link skips timers shorter than that (SimulatedLinkStream.MinimumWait).
        Assert.True(watch.Elapsed >= 2 * Rounds * (model.Latency - TimeSpan.FromMilliseconds(1)), $"{Rounds} round trips at {model.Latency.TotalMilliseconds} ms took {watch.Elapsed.TotalMilliseconds:F0} ms");
    }

    [Fact]
    public async Task ATransferTakesAtLeastItsBitsOverTheBandwidthAndArrivesWholeAndInOrder()
    {
        var model = new NetworkModel(TimeSpan.FromMilliseconds(5), 16e6);
        var (left, right, cleanup) = await ConnectedPairAsync(model);
        using var _ = cleanup;
        // 2 MB in writes of every size from 1 byte to 64 KiB: 1 s at 16 Mbit/s.
        var data = new byte[2_000_000];
        new Random(7).NextBytes(data);
        var received = new byte[data.Length];
        var reader = Task.Run(() => ReadExactlyAsync(right, received));
        var watch = Stopwatch.StartNew();
        int offset = 0, size = 1;
        while (offset < data.Length)
        {
            int n = Math.Min(size, data.Length - offset);
            await left.WriteAsync(data.AsMemory(offset, n));
            await left.FlushAsync();
            offset += n;
            size = size >= 65536 ? 1 : size * 2;
        }
        await reader;
        watch.Stop();
        Assert.True(watch.Elapsed >= TimeSpan.FromSeconds(data.Length * 8 / model.BitsPerSecond), $"2 MB at 16 Mbit/s took {watch.Elapsed.TotalMilliseconds:F0} ms");
        Assert.Equal(data, received);
    }

    [Theory]
    [InlineData("25ms", 25)]
    [InlineData("0.5s", 500)]
    [InlineData("0", 0)]
    [InlineData("10", 10)]
    public void LatenciesAreReadInMillisecondsUnlessAUnitSaysOtherwise(string text, double milliseconds) =>
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), NetworkModel.ParseLatency(text));

    [Theory]
    [InlineData("100mbit", 1e8)]
    [InlineData("1gbit", 1e9)]
    [InlineData("500kbit", 5e5)]
    [InlineData("unlimited", double.PositiveInfinity)]
    public void BandwidthsAreReadInBitsPerSecond(string text, double bits) => Assert.Equal(bits, NetworkModel.ParseBandwidth(text));

    [Theory]
    [InlineData("fast")]
    [InlineData("-5ms")]
    [InlineData("25 parsecs")]
    public void ANonsenseLatencyIsRefusedWithTheUnitsItTakes(string text)
    {
        var error = Assert.Throws<FormatException>(() => NetworkModel.ParseLatency(text));
        Assert.Contains(text, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("100mb")]
    [InlineData("10bit")]
    public void ANonsenseBandwidthIsRefused(string text) => Assert.Throws<FormatException>(() => NetworkModel.ParseBandwidth(text));
}
