using System.CommandLine;
using Microsoft.Extensions.Logging;

namespace Mpc.Cli.Commands;

/// <summary>Options and helpers shared by several commands.</summary>
internal static class CliOptions
{
    /// <summary>--engine: the preprocessing engine every party must accept for the session.</summary>
    public static Option<string> Engine()
    {
        var option = new Option<string>("--engine")
        {
            Description = "ot (default: dealer-free oblivious transfer, secure against any number of colluding parties), replicated (3 to 7 parties) or shamir (8 or more parties): honest majority, fewer bytes, secure only if fewer than half the parties collude; every party's policy must allow it.",
            DefaultValueFactory = _ => Mpc.Runtime.Preprocessing.PreprocessingModes.Ot,
        };
        option.AcceptOnlyFromAmong(Mpc.Runtime.Preprocessing.PreprocessingModes.Ot, Mpc.Runtime.Preprocessing.PreprocessingModes.Replicated, Mpc.Runtime.Preprocessing.PreprocessingModes.Shamir);
        return option;
    }

    public static Option<string[]> Parameters() => new("--param", "-p")
    {
        Description = "A protocol parameter as name=value; repeat for several.",
        AllowMultipleArgumentsPerToken = false,
        Arity = ArgumentArity.ZeroOrMore,
    };

    public static Option<string?> Json() => new("--json") { Description = "Write the outputs and session details as JSON to this file; - writes them to standard output (the printed table then goes to standard error)." };

    /// <summary>The root's --verbose, valid under every command: the detail of an error; run, local, demo and party also log more.</summary>
    public static Option<bool> Verbose { get; } = new("--verbose", "-v") { Recursive = true, Description = "Print the whole exception of an error; run, local and demo log the parties' and analyst's activity, party logs debug detail." };

    public static Option<double> Timeout() => new("--timeout") { Description = "Seconds a party waits for a peer before aborting the session.", DefaultValueFactory = _ => 30 };

    /// <summary>Parses name=value pairs; a malformed one is an error naming it.</summary>
    public static Dictionary<string, string> ParseParameters(IEnumerable<string>? pairs)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in pairs ?? [])
        {
            int equals = pair.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0) throw new CliException($"--param '{pair}' must have the form name=value.");
            string name = pair[..equals].Trim();
            if (!result.TryAdd(name, pair[(equals + 1)..].Trim())) throw new CliException($"--param {name} is given twice.");
        }
        return result;
    }

    public static ILoggerFactory Loggers(bool verbose) => LoggerFactory.Create(builder =>
    {
        builder.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss.fff ";
        });
        builder.AddFilter(level => level >= (verbose ? LogLevel.Information : LogLevel.Error));
        builder.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
    });

    public static IProgress<string> Progress(TextWriter error)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        return new SynchronousProgress(message => error.WriteLine($"[{watch.Elapsed.TotalSeconds,7:F2} s] {message}"));
    }

    private sealed class SynchronousProgress(Action<string> report) : IProgress<string>
    {
        public void Report(string value) => report(value);
    }
}
