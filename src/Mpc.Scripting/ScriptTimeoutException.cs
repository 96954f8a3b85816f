namespace Mpc.Scripting;

/// <summary>A protocol script ran past its time limit; the session aborts.</summary>
public sealed class ScriptTimeoutException(TimeSpan limit)
    : Exception($"The protocol script exceeded its time limit of {limit.TotalSeconds:0.#} s.");
