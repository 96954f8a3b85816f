namespace Mpc.Scripting.Tests;

public sealed class ScriptApiReferenceTests
{
    [Fact]
    public void TheCommittedReferenceMatchesTheCode()
    {
        string path = Path.Combine(ScriptSandboxTests.RepositoryRoot(), "docs", "script-api.md");
        string committed = File.Exists(path) ? File.ReadAllText(path).Replace("\r\n", "\n", StringComparison.Ordinal) : "";
        Assert.True(committed == ScriptApiReference.Markdown(), "docs/script-api.md is out of date with the code: run `mpc api --out docs/script-api.md`.");
    }

    [Fact]
    public void EveryScriptApiMethodHasASummaryAndAnExample() => Assert.Empty(ScriptApiReference.Undocumented());

    [Fact]
    public void EveryExampleIsValidScriptSyntax()
    {
        var examples = ScriptApiReference.Examples();
        Assert.True(examples.Count >= 60, $"only {examples.Count} examples");
        var options = new Microsoft.CodeAnalysis.CSharp.CSharpParseOptions(kind: Microsoft.CodeAnalysis.SourceCodeKind.Script);
        foreach (var (member, code) in examples)
        {
            var errors = Microsoft.CodeAnalysis.CSharp.CSharpSyntaxTree.ParseText(code, options).GetDiagnostics().Where(d => d.Severity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error).ToList();
            Assert.True(errors.Count == 0, $"the example of {member} does not parse: {string.Join("; ", errors)}\n{code}");
        }
    }

    [Fact]
    public void TheReferenceListsWhatScriptsMayUseAndNotWhatTheyMayNot()
    {
        string reference = ScriptApiReference.Markdown();
        Assert.Contains("### `Task<Secret<UInt128>> Div(Secret<UInt128> a, Secret<UInt128> b)`", reference);
        Assert.Contains("### `void Parameter(string name, ParameterType type, string? defaultValue, string description)`", reference);
        Assert.Contains("var mean = await mpc.Div(s[1], s[0]);", reference);
        Assert.Contains("| `MathNet.Numerics.Distributions.StudentT` | `CDF` `InvCDF` `PDF` `PDFLn` |", reference);
        // Denied members and the shares behind a secret are not part of the API.
        Assert.DoesNotContain("Runtime { get; }", reference);
        Assert.DoesNotContain(" Share ", reference);
        Assert.DoesNotContain("ScriptGuard", reference);
    }
}
