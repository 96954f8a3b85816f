using System.Reflection;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Emit;

namespace Mpc.Scripting.Worker;

/// <summary>
/// A compiled script as bytes: the daemon compiles (Roslyn never runs analyst code) and hands the
/// image to each session's worker, which loads it without a compiler of its own.
/// </summary>
internal sealed record ScriptImage(byte[] Assembly, byte[] Symbols, string EntryType, string EntryMethod)
{
    /// <summary>Emits a checked, guarded script compilation; its entry point is the submission factory.</summary>
    public static ScriptImage Emit(Compilation compilation, string file)
    {
        ArgumentNullException.ThrowIfNull(compilation);
        using var assembly = new MemoryStream();
        using var symbols = new MemoryStream();
        var result = compilation.Emit(assembly, symbols, options: new EmitOptions(debugInformationFormat: DebugInformationFormat.PortablePdb));
        if (!result.Success)
        {
            throw new ScriptCompilationException(result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Select(d =>
            {
                var position = d.Location.GetLineSpan().StartLinePosition;
                return new ScriptDiagnostic(file, position.Line + 1, position.Character + 1, d.Id, d.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
            }).ToList());
        }
        var entry = compilation.GetEntryPoint(CancellationToken.None) ?? throw new InvalidOperationException(ScriptingErrors.NoEntryPoint);
        return new ScriptImage(assembly.ToArray(), symbols.ToArray(), entry.ContainingType.MetadataName, entry.MetadataName);
    }

    /// <summary>Loads the image into this process and returns its submission factory (the script's top level).</summary>
    public Func<object?[], Task<object>> LoadFactory()
    {
        var loaded = AssemblyLoadContext.Default.LoadFromStream(new MemoryStream(Assembly), new MemoryStream(Symbols));
        var type = loaded.GetType(EntryType, throwOnError: true)!;
        var method = type.GetMethod(EntryMethod, BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic)
            ?? throw new InvalidOperationException(ScriptingErrors.ImageLacksEntry(EntryType, EntryMethod));
        return method.CreateDelegate<Func<object?[], Task<object>>>();
    }
}
