using System.Collections.Concurrent;

namespace Mpc.Scripting.Tests.Probes;

/// <summary>A side effect scripts can cause and tests can observe: proof that script code ran, or did not.</summary>
public static class Probe
{
    private static readonly ConcurrentDictionary<string, int> Touches = new();

    static Probe() => ScriptCompiler.AddLibrary(typeof(Probe).Assembly, typeof(Probe).Namespace!);

    /// <summary>Makes the probe visible to scripts compiled after this call.</summary>
    public static void Register() => Touches.TryAdd("", 0);

    public static int Touch(string key) => Touches.AddOrUpdate(key, 1, (_, n) => n + 1);

    public static int Count(string key) => Touches.GetValueOrDefault(key);
}
