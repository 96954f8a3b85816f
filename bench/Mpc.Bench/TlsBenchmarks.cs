using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using Mpc.Federation;
using Mpc.Federation.Protocols;
using Mpc.Net;

namespace Mpc.Bench;

/// <summary>
/// Secure sum of a 10^6-element vector among 3 local parties over TLS (`mpc local vector-sum`),
/// beside the raw throughput of one TLS connection of the same kind (framed, pinned, loopback)
/// carrying the same bytes, in the same run.
/// </summary>
internal static class TlsBenchmarks
{
    public static async Task RunAsync(int repetitions)
    {
        const int rows = 1_000_000;
        string directory = Path.Combine(Path.GetTempPath(), "mpc-bench-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(directory);
        var random = new Random(5);
        var files = new List<string>();
        for (int p = 0; p < 3; p++)
        {
            string path = Path.Combine(directory, $"party{p}.csv");
            using (var writer = new StreamWriter(path))
            {
                writer.WriteLine("x");
                for (int i = 0; i < rows; i++) writer.WriteLine((random.NextDouble() * 100).ToString("F4", System.Globalization.CultureInfo.InvariantCulture));
            }
            files.Add(path);
        }
        using var loggers = new NullLoggerFactory();
        var parameters = new Dictionary<string, string> { ["column"] = "x" };
        var sessionTimes = new List<double>();
        var wallTimes = new List<double>();
        var protocolTimes = new List<double>();
        SessionResult? last = null;
        for (int r = 0; r <= repetitions; r++)
        {
            var watch = Stopwatch.StartNew();
            // Each element of a vector sum is one row per party: the benchmark's parties allow groups of one row.
            last = await LocalFederation.RunAsync(ProtocolCatalog.BuiltIn.Get("vector-sum"), null, files, parameters, ProtocolCatalog.BuiltIn, loggers, null, TimeSpan.FromSeconds(60), default,
                privacy: DatasetPrivacy.Default with { MinGroupSize = 1 });
            if (r == 0) continue;
            wallTimes.Add(watch.Elapsed.TotalSeconds);
            sessionTimes.Add(last.Seconds);
            protocolTimes.Add(last.ProtocolSeconds);
        }
        // Each party sends its 10^6 output shares (8 bytes each) to the analyst over its own TLS connection.
        long bytesPerConnection = rows * 8L;
        double session = BenchData.Median(sessionTimes);
        double rawMegabytesPerSecond = await RawTlsThroughputAsync(bytesPerConnection, repetitions);
        double rawSeconds = bytesPerConnection / (rawMegabytesPerSecond * 1e6);
        double protocol = BenchData.Median(protocolTimes);
        Console.WriteLine($"secure sum of a 10^6 vector, 3 parties, TLS: protocol {protocol:F3} s; session {session:F3} s incl. parsing 3x10^6 CSV rows; wall {BenchData.Median(wallTimes):F3} s incl. daemon start ({last!.Outputs["sum"].Values.Length} sums, median of {repetitions})");
        Console.WriteLine($"raw TLS, one framed connection, {bytesPerConnection / 1e6:F0} MB (one party's output shares): {rawSeconds:F3} s ({rawMegabytesPerSecond:F0} MB/s)");
        Console.WriteLine($"ratio protocol / raw transfer: {protocol / rawSeconds:F1}x; session / raw transfer: {session / rawSeconds:F1}x");
        Console.WriteLine();
        Directory.Delete(directory, true);
    }

    private static async Task<double> RawTlsThroughputAsync(long bytes, int repetitions)
    {
        using var server = PartyCredentials.Generate("server");
        using var client = PartyCredentials.Generate("client");
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var roster = Roster.Create("bench", [("server", $"127.0.0.1:{port}", server.Fingerprint), ("client", "127.0.0.1:1", client.Fingerprint)], [("analyst", "sha256:" + new string('0', 64))]);
        var accepting = Task.Run(async () => await TlsConnector.AcceptAsync(await listener.AcceptTcpClientAsync(), roster, server, NullLogger.Instance, TimeSpan.FromSeconds(10), default));
        var clientStream = await TlsConnector.ConnectAsync(roster.GetParty("server"), client, NullLogger.Instance, TimeSpan.FromSeconds(10), default);
        var (serverStream, _) = await accepting;
        listener.Stop();
        await using var sender = new FramedConnection(clientStream, "server");
        await using var receiver = new FramedConnection(serverStream, "client");
        var payload = new byte[bytes];
        Random.Shared.NextBytes(payload);
        var session = Guid.NewGuid();
        var times = new List<double>();
        for (int r = 0; r <= repetitions; r++)
        {
            var watch = Stopwatch.StartNew();
            var reading = receiver.ReadAsync(default).AsTask();
            await sender.SendAsync(session, r, FrameKind.Data, payload, default);
            var frame = await reading;
            if (frame!.Payload.Length != payload.Length) throw new InvalidOperationException("Short frame.");
            if (r > 0) times.Add(watch.Elapsed.TotalSeconds);
        }
        return bytes / BenchData.Median(times) / 1e6;
    }

}
