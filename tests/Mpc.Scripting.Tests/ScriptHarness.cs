using Mpc.Data;
using Mpc.Federation.Protocols;
using Mpc.Runtime;
using Mpc.Runtime.Harness;

namespace Mpc.Scripting.Tests;

/// <summary>Runs a script's in-process path as party 0 of an in-memory pair; script bodies under test spin before they communicate.</summary>
internal static class ScriptHarness
{
    public const string Header = """
        Describe("Test script.");
        Parameter("column", ParameterType.Column, null, "A column.");
        Output("total", "A total.");

        """;

    private static int _names;

    /// <summary>A script compiled under a fresh name, so tests never share a cached protocol.</summary>
    public static ScriptProtocol Compile(string source) => ScriptCompiler.Compile(source, $"t{Interlocked.Increment(ref _names)}", "protocols/test.csx");

    public static ProtocolContext Context(ScriptProtocol script, TimeSpan limit, IReadOnlyDictionary<string, string>? values = null, Action<string, double>? progress = null)
    {
        var network = new InMemoryNetwork(2, TimeSpan.FromSeconds(30));
        var parameters = ProtocolParameters.Bind(script.Parameters, values ?? new Dictionary<string, string> { ["column"] = "age" });
        var table = CsvTable.Parse(new StringReader("age\n1\n2\n"), "test.csv");
        return new ProtocolContext(network.GetChannel(0), parameters, () => table, PairwiseSeeds.CreateForLocalParties(2)[0], PreprocessingMode.Ot, [],
            OpenRevealPolicy.Instance, new NoOutputs(), progress, CancellationToken.None, limit);
    }

    /// <summary>Runs the script as a party would in-process and returns how it ended (null: completed) and how long it took.</summary>
    public static async Task<(Exception? Error, TimeSpan Elapsed)> RunAsync(ScriptProtocol script, TimeSpan limit, Action<string, double>? progress = null)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            // A thread of its own: a spinning body runs synchronously until its guard stops it.
            await Task.Run(() => script.RunInProcessAsync(Context(script, limit, progress: progress)));
            return (null, watch.Elapsed);
        }
        catch (Exception e)
        {
            return (e, watch.Elapsed);
        }
    }

    private sealed class NoOutputs : IOutputSink
    {
        public ValueTask DeliverAsync(OutputShares shares, CancellationToken cancellationToken) => ValueTask.CompletedTask;
    }
}
