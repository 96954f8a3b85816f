using System.Collections.Concurrent;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Scripting;
using Microsoft.CodeAnalysis.Scripting;
using Mpc.Federation;

namespace Mpc.Scripting;

/// <summary>
/// Compiles protocol scripts (C# script, .csx) against the script API, checks them against the
/// sandbox, and caches the result by content hash.
/// </summary>
public static class ScriptCompiler
{
    private static readonly ConcurrentDictionary<string, Lazy<ScriptProtocol>> Cache = new();

    private static readonly string[] Imports =
        ["System", "System.Linq", "System.Collections.Generic", "System.Threading.Tasks", "Mpc.Scripting", "Mpc.Runtime", "Mpc.Federation.Protocols", "Mpc.Statistics", "Mpc.Boltzmann"];

    private static readonly System.Reflection.Assembly[] References =
    [
        typeof(ScriptGlobals).Assembly, typeof(Mpc.Runtime.Secret<>).Assembly, typeof(Mpc.Federation.Protocols.ParameterType).Assembly,
        typeof(Enumerable).Assembly, typeof(List<>).Assembly, typeof(object).Assembly, typeof(Mpc.Statistics.SecureLogrank).Assembly, typeof(Mpc.Boltzmann.Rbm).Assembly,
    ];

    /// <summary>
    /// Loads and compiles a script file; the protocol's name is the file name without extension. The
    /// text compiled is exactly the file's UTF-8 text (a byte order mark stays in it), so the id is
    /// the SHA-256 of the file's bytes.
    /// </summary>
    public static ScriptProtocol Load(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!File.Exists(path)) throw new FileNotFoundException(ScriptingErrors.ScriptMissing(path), path);
        return Compile(ReadText(path), Path.GetFileNameWithoutExtension(path), path);
    }

    /// <summary>Compiles script source (cached by hash); throws <see cref="ScriptCompilationException"/> with every error.</summary>
    public static ScriptProtocol Compile(string source, string name, string file)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(file);
        // The hash is of this very string, which is also the one compiled: approval and behaviour cannot drift apart.
        string hash = ScriptIdentity.Hash(source);
        // Cached by the text alone: a daemon compiles an approved script under its file's name at start, and a session's
        // request under the analyst's name then finds it compiled.
        var lazy = Cache.GetOrAdd(hash, _ => new Lazy<ScriptProtocol>(() => CompileUncached(source, name, file, hash)));
        ScriptProtocol compiled;
        try
        {
            compiled = lazy.Value;
        }
        catch
        {
            // A failed compilation is not cached, so a fixed dependency or a retry sees fresh results.
            Cache.TryRemove(hash, out _);
            throw;
        }
        return compiled.Name == name && compiled.File == file ? compiled : compiled.Named(name, file);
    }

    private static string ReadText(string path)
    {
        try
        {
            // Strict and without BOM detection: the text is the bytes, so the id a reviewer recomputes with sha256sum matches.
            return new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetString(File.ReadAllBytes(path));
        }
        catch (DecoderFallbackException e)
        {
            throw new InvalidDataException(ScriptingErrors.NotUtf8(path), e);
        }
    }

    /// <summary>
    /// The compiler's errors and the sandbox's refusals for script source, exactly as a daemon compiles it, without
    /// reading its declarations or emitting it: for code that is not a whole protocol, such as the API reference's examples.
    /// </summary>
    internal static IReadOnlyList<ScriptDiagnostic> Diagnose(string source, string file)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(file);
        return Check(source, file, Options(file)).Errors;
    }

    private static ScriptProtocol CompileUncached(string source, string name, string file, string hash)
    {
        var options = Options(file);
        var (compilation, tree, errors, compiles) = Check(source, file, options);
        // Declarations are read from the syntax, never by running the script; only code that compiles has a meaning to read.
        var declarations = compiles ? ScriptDeclarationReader.Read(compilation, tree, file, errors) : null;
        if (errors.Count > 0 || declarations is null) throw new ScriptCompilationException(errors);

        // The code that runs has time-limit checks in every loop, label, lambda and member; lines are unchanged.
        var guarded = LoopGuardRewriter.Rewrite(tree, compilation.GetSemanticModel(tree));
        var script = CSharpScript.Create(guarded, options, typeof(ScriptGlobals));
        var runErrors = script.Compile().Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => ToDiagnostic(d, file)).ToList();
        if (runErrors.Count > 0) throw new ScriptCompilationException(runErrors);
        // The daemon hands this image to each session's worker; only the analyst's client loads the script in its own process.
        var image = Worker.ScriptImage.Emit(script.GetCompilation(), file);
        return new ScriptProtocol(name, hash, source, file, declarations, image, () => script.CreateDelegate());
    }

    // The compiler's errors, then the sandbox's refusals; whether the compiler alone accepted the code.
    private static (Compilation Compilation, SyntaxTree Tree, List<ScriptDiagnostic> Errors, bool Compiles) Check(string source, string file, ScriptOptions options)
    {
        var compilation = CSharpScript.Create(source, options, typeof(ScriptGlobals)).GetCompilation();
        var tree = compilation.SyntaxTrees.Single();
        var errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => ToDiagnostic(d, file)).ToList();
        bool compiles = errors.Count == 0;
        // The sandbox explains what it rejects even when the compiler rejected it as well (unsafe code, for one).
        errors.AddRange(ScriptSandbox.Check(compilation, tree, file));
        return (compilation, tree, errors, compiles);
    }

    private static ScriptOptions Options(string file) => ScriptOptions.Default
        .WithReferences(References)
        .WithImports(Imports)
        .WithFilePath(file)
        .WithFileEncoding(Encoding.UTF8)
        // #load and #r name no file the compiler may open: the sandbox refuses them, but only after the compiler has read what they name.
        .WithSourceResolver(NoFiles.Sources)
        .WithMetadataResolver(NoFiles.Metadata)
        .WithAllowUnsafe(false)
        .WithOptimizationLevel(OptimizationLevel.Release)
        .WithLanguageVersion(LanguageVersion.Latest);

    private static ScriptDiagnostic ToDiagnostic(Diagnostic diagnostic, string file)
    {
        var position = diagnostic.Location.GetLineSpan().StartLinePosition;
        return new ScriptDiagnostic(file, position.Line + 1, position.Character + 1, diagnostic.Id, diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>Resolvers that resolve nothing: a script's directives can make the compiler open no file at all.</summary>
    private static class NoFiles
    {
        public static readonly SourceReferenceResolver Sources = new NoSources();

        public static readonly MetadataReferenceResolver Metadata = new NoMetadata();

        private sealed class NoSources : SourceReferenceResolver
        {
            public override bool Equals(object? other) => other is NoSources;

            public override int GetHashCode() => 1;

            public override string? NormalizePath(string path, string? baseFilePath) => null;

            public override string? ResolveReference(string path, string? baseFilePath) => null;

            public override Stream OpenRead(string resolvedPath) => throw new UnauthorizedAccessException(ScriptingErrors.ScriptLoadsFiles);
        }

        // No #r resolves; the framework's own assemblies (System.Runtime and the other facades) still do, by identity.
        private sealed class NoMetadata : MetadataReferenceResolver
        {
            private readonly MetadataReferenceResolver _framework = ScriptOptions.Default.MetadataResolver;

            public override bool Equals(object? other) => other is NoMetadata;

            public override int GetHashCode() => 2;

            public override bool ResolveMissingAssemblies => _framework.ResolveMissingAssemblies;

            public override PortableExecutableReference? ResolveMissingAssembly(MetadataReference definition, AssemblyIdentity referenceIdentity) =>
                _framework.ResolveMissingAssembly(definition, referenceIdentity);

            public override System.Collections.Immutable.ImmutableArray<PortableExecutableReference> ResolveReference(string reference, string? baseFilePath, MetadataReferenceProperties properties) => [];
        }
    }
}
