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
    public void EveryExampleCompilesAgainstTheScriptApiInTheSandbox()
    {
        var failures = new List<string>();
        foreach (var (member, code) in ScriptApiReference.Examples())
        {
            var errors = ScriptCompiler.Diagnose(InContext(member, code), "example.csx");
            if (errors.Count > 0) failures.Add($"the example of {member} does not compile: {string.Join("; ", errors)}\n{code}");
        }
        Assert.True(failures.Count == 0, string.Join("\n\n", failures));
    }

    [Fact]
    public void AnExampleThatCallsWhatTheApiLacksOrTheSandboxRefusesFailsTheCheck()
    {
        Assert.NotEmpty(ScriptCompiler.Diagnose(InContext("ScriptSession.Mul", "var squares = await mpc.Square(x);"), "example.csx"));
        Assert.NotEmpty(ScriptCompiler.Diagnose(InContext("ScriptSession.Column", "var text = System.IO.File.ReadAllText(\"/etc/passwd\");"), "example.csx"));
        Assert.Empty(ScriptCompiler.Diagnose(InContext("ScriptSession.Mul", "var squares = await mpc.Mul(x, x);"), "example.csx"));
    }

    /// <summary>
    /// An example as the script it belongs in: declarations at the top level, a parameter's in a Label, the rest in a Run
    /// body whose earlier lines declare the values the examples use (an example's own declarations shadow them).
    /// </summary>
    private static string InContext(string member, string code)
    {
        // A declaration, whichever member it illustrates (UtilityLabels' example is a Label), belongs at the top level.
        var declarations = typeof(ScriptGlobals).GetMethods(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.DeclaredOnly).Select(m => m.Name + "(");
        if (member.StartsWith("ScriptGlobals.", StringComparison.Ordinal) || declarations.Any(d => code.StartsWith(d, StringComparison.Ordinal))) return code;
        if (member.StartsWith("ScriptParameters.", StringComparison.Ordinal)) return $"Label(\"example\", p =>\n{{\n{code}\nreturn new List<string>();\n}});";
        return $$"""
            Run(async mpc =>
            {
                var x = await mpc.Stack(mpc.Column("age"));
                Secret<UInt128> y = x, s = x, n = x, mean = x, sd = x, total = x, variance = x, logOdds = x, eta = x;
                Secret<UInt128> ageA = x, ageB = x, ages = x, a = x, b = x, dose = x;
                double[] localCounts = new double[4], synthetic = new double[4];
                int step = 1, steps = 10;
                var fit = await mpc.Boltzmann.Train("rbm", mpc.List("columns"), "bernoulli", "25", 10, 0.4, 50, "dp-intermediates", new TrainingSettings { Epsilon = 5 });
                async Task Example()
                {
            {{code}}
                }
                await Example();
            });
            """;
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
