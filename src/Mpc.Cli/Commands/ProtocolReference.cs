using Mpc.Federation.Protocols;
using Mpc.Scripting;

namespace Mpc.Cli.Commands;

/// <summary>A protocol named on the command line: a built-in by name, or a script by path (.csx).</summary>
internal sealed record ProtocolReference(IProtocolDefinition Protocol, string? ScriptSource)
{
    /// <summary>Built-ins, plus scripts compiled on demand (for daemons receiving scripts in session requests).</summary>
    public static ProtocolCatalog Catalog { get; } = ProtocolCatalog.BuiltIn.WithScriptCompiler((source, name) => ScriptCompiler.Compile(source, name, name + ".csx"));

    public static ProtocolReference Resolve(string argument)
    {
        if (argument.EndsWith(".csx", StringComparison.OrdinalIgnoreCase) || File.Exists(argument))
        {
            var script = ScriptCompiler.Load(argument);
            return new ProtocolReference(script, script.Source);
        }
        return new ProtocolReference(Catalog.Get(argument), null);
    }
}
