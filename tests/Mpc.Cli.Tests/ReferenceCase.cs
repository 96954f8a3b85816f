using System.Globalization;
using Mpc.Federation;

namespace Mpc.Cli.Tests;

/// <summary>
/// One case written by Reference/print-reference.R: the result's numbers (NAME.input: output=v1,v2; output.labels=a,b;
/// output.shape=rows,columns; param.NAME=value) and R's printout of the same numbers (NAME.txt).
/// </summary>
internal sealed record ReferenceCase(SessionResult Result, IReadOnlyDictionary<string, double[]> Values, IReadOnlyList<string> Labels)
{
    public static ReferenceCase Load(string name, string protocol = "script")
    {
        var outputs = new Dictionary<string, double[]>();
        var labels = new Dictionary<string, IReadOnlyList<string>>();
        var shapes = new Dictionary<string, double[]>();
        var parameters = new Dictionary<string, string>();
        foreach (var line in File.ReadAllLines(Path(name + ".input")).Where(l => !l.StartsWith('#')))
        {
            int at = line.IndexOf('=', StringComparison.Ordinal);
            string key = line[..at], value = line[(at + 1)..];
            if (key.StartsWith("param.", StringComparison.Ordinal)) parameters[key["param.".Length..]] = value;
            else if (key.EndsWith(".labels", StringComparison.Ordinal)) labels[key[..^".labels".Length]] = value.Split(',');
            else if (key.EndsWith(".shape", StringComparison.Ordinal)) shapes[key[..^".shape".Length]] = Numbers(value);
            else outputs[key] = Numbers(value);
        }
        var session = outputs.ToDictionary(o => o.Key, o =>
        {
            var shape = shapes.TryGetValue(o.Key, out var s) ? s : [o.Value.Length, 1];
            return new SessionOutput(o.Value, (int)shape[0], (int)shape[1], labels.GetValueOrDefault(o.Key));
        });
        var result = new SessionResult(Guid.NewGuid(), protocol, "sha256:test", parameters, ["a", "b"], "ot", session, 1, 1, 1, 1, []);
        return new ReferenceCase(result, outputs, labels.GetValueOrDefault("values") ?? labels.GetValueOrDefault("coefficients") ?? []);
    }

    /// <summary>R's printed lines of a case.</summary>
    public static IReadOnlyList<string> Printed(string name) => File.ReadAllLines(Path(name + ".txt"));

    private static string Path(string file) => System.IO.Path.Combine(AppContext.BaseDirectory, "Reference", file);

    private static double[] Numbers(string text) => text.Split(',').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();
}
