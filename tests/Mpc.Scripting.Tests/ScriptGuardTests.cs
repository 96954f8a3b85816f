using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Scripting;
using Microsoft.CodeAnalysis.Scripting;

namespace Mpc.Scripting.Tests;

public class ScriptGuardTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(1);

    // Generous: a busy machine may be slow to notice, but an unguarded construct would spin for hours.
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    private static async Task AssertStops(string body, string members = "")
    {
        var script = ScriptHarness.Compile(ScriptHarness.Header + "Run(async mpc => { " + body + " });\n" + members);
        var (error, elapsed) = await ScriptHarness.RunAsync(script, Limit);
        Assert.IsType<ScriptTimeoutException>(error);
        Assert.InRange(elapsed, Limit, Bound);
    }

    [Fact]
    public Task ALoopWithALocalNamedGuardStillStops() =>
        AssertStops("var Guard = new Decoy(); long n = 0; while (true) { n++; Guard.Tick(); }", "class Decoy { public void Tick() { } }\n");

    [Fact]
    public Task AGotoLoopStops() => AssertStops("long n = 0; again: n++; goto again;");

    [Fact]
    public Task AGotoCaseLoopStops() => AssertStops("int state = 0; switch (state) { case 0: goto case 1; case 1: goto case 0; }");

    [Fact]
    public Task AnExpressionBodiedLambdaCalledInAnEndlessLinqChainStops() =>
        AssertStops("var any = Enumerable.Range(0, int.MaxValue).SelectMany(i => Enumerable.Range(0, int.MaxValue)).Select(x => x + 1).Any(x => x < 0);");

    [Fact]
    public Task AnEndlessQueryExpressionStops() =>
        AssertStops("var count = (from a in Enumerable.Range(0, int.MaxValue) from b in Enumerable.Range(0, int.MaxValue) select a).LongCount();");

    [Fact]
    public Task AnExpressionBodiedLocalFunctionRecursionStops() =>
        AssertStops("long Twice(int depth) => depth == 0 ? 1 : Twice(depth - 1) + Twice(depth - 1); var n = Twice(62);");

    [Fact]
    public Task AnAnonymousMethodRecursionStops() =>
        AssertStops("Func<int, long> twice = null!; twice = delegate (int d) { return d == 0 ? 1 : twice(d - 1) + twice(d - 1); }; var n = twice(62);");

    [Theory]
    [InlineData("new Spinner().Twice(62)", "class Spinner { public long Twice(int d) => d == 0 ? 1 : Twice(d - 1) + Twice(d - 1); }")]
    [InlineData("new Spinner().Loop()", "class Spinner { public long Loop() { long n = 0; for (;;) n++; } }")]
    [InlineData("new Spinner(62).N", "class Spinner { public long N; public Spinner(int d) { N = d == 0 ? 1 : new Spinner(d - 1).N + new Spinner(d - 1).N; } }")]
    [InlineData("new Spinner { D = 62 }.Twice", "class Spinner { public int D; public long Twice => D == 0 ? 1 : new Spinner { D = D - 1 }.Twice + new Spinner { D = D - 1 }.Twice; }")]
    [InlineData("new Spinner { D = 62 }.Twice", "class Spinner { public int D; public long Twice { get => D == 0 ? 1 : new Spinner { D = D - 1 }.Twice + new Spinner { D = D - 1 }.Twice; } }")]
    [InlineData("new Spinner()[62]", "class Spinner { public long this[int d] => d == 0 ? 1 : this[d - 1] + this[d - 1]; }")]
    [InlineData("(new Spinner(62) + new Spinner(0)).N", "record Spinner(long N) { public static Spinner operator +(Spinner a, Spinner b) => a.N == 0 ? new Spinner(1) : new Spinner((new Spinner(a.N - 1) + b).N + (new Spinner(a.N - 1) + b).N); }")]
    [InlineData("((Spinner)62L).N", "record Spinner(long N) { public static explicit operator Spinner(long d) => d == 0 ? new Spinner(1) : new Spinner(((Spinner)(d - 1)).N + ((Spinner)(d - 1)).N); }")]
    [InlineData("Twice(62)", "static long Twice(int d) => d == 0 ? 1 : Twice(d - 1) + Twice(d - 1);")]
    public Task AMemberOfAScriptDeclaredTypeThatSpinsStops(string use, string members) => AssertStops("var n = " + use + ";", members + "\n");

    [Fact]
    public async Task ConcurrentRunsKeepTheirOwnDeadlines()
    {
        var script = ScriptHarness.Compile(ScriptHarness.Header + "Run(async mpc => { long n = 0; while (true) n++; });\n");
        var shortRun = ScriptHarness.RunAsync(script, Limit);
        var longRun = ScriptHarness.RunAsync(script, TimeSpan.FromSeconds(4));
        var (shortError, shortElapsed) = await shortRun;
        var (longError, longElapsed) = await longRun;
        Assert.IsType<ScriptTimeoutException>(shortError);
        Assert.IsType<ScriptTimeoutException>(longError);
        // A deadline never passes early: the long run outlived the short one's limit by its own.
        Assert.InRange(longElapsed, TimeSpan.FromSeconds(4), Bound);
        Assert.InRange(shortElapsed, Limit, Bound);
    }

    [Fact]
    public void ScriptCodeOutsideAnArmedRunIsRefused()
    {
        Assert.Throws<InvalidOperationException>(ScriptGuard.Tick);
        using (ScriptGuard.Arm(TimeSpan.FromMinutes(1))) ScriptGuard.Tick();
        Assert.Throws<InvalidOperationException>(ScriptGuard.Tick);
    }

    [Fact]
    public void TheGuardStopsATightLoopOnceItsDeadlinePassed()
    {
        using var armed = ScriptGuard.Arm(TimeSpan.FromMilliseconds(50));
        var watch = System.Diagnostics.Stopwatch.StartNew();
        Action spin = () =>
        {
            while (true) ScriptGuard.Tick();
        };
        Assert.Throws<ScriptTimeoutException>(spin);
        // The tick clock is coarse (10-16 ms), so only the generous upper bound is checked.
        Assert.InRange(watch.Elapsed, TimeSpan.Zero, Bound);
    }

    [Fact]
    public void TheGuardedTextKeepsEveryLineAndTicksEveryConstruct()
    {
        const string source = """
            int Square(int v) => v * v;
            Run(async mpc =>
            {
                for (int i = 0; i < 2; i++) i += 0;
                again:
                #if DEBUG
                #endif
                    if (mpc.Rows < 0) goto again;
                Action log = () => mpc.Progress("x", 0);
                Func<int, int> f = x =>
                    x + 1 // a comment
                    ;
                var q = from a in new[] { 1 } from b in new[] { 2 } let c = a + b where c > 0 orderby c, a descending join d in new[] { 3 } on a equals d group c by d into g select g.Key;
                await Task.Yield();
            });
            class C { int p; public int P { get => p; set => p = value; } public int Q => p; public C() => p = 1; public static C operator -(C c) => c; }
            """;
        var options = ScriptOptions.Default.WithReferences(typeof(object).Assembly, typeof(Enumerable).Assembly, typeof(ScriptGlobals).Assembly, typeof(Mpc.Federation.Protocols.ParameterType).Assembly, typeof(Mpc.Runtime.Secret<>).Assembly).WithImports("System", "System.Linq", "System.Threading.Tasks", "Mpc.Scripting");
        var compilation = CSharpScript.Create(source, options, typeof(ScriptGlobals)).GetCompilation();
        Assert.Empty(compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
        var tree = compilation.SyntaxTrees.Single();
        string guarded = LoopGuardRewriter.Rewrite(tree, compilation.GetSemanticModel(tree));
        Assert.Equal(source.Split('\n').Length, guarded.Split('\n').Length);
        // Square, the loop, the label, Run's lambda, log, f, P's two accessors, Q, the constructor and the operator.
        Assert.Equal(11, guarded.Split("global::Mpc.Scripting.ScriptGuard.Tick();").Length - 1);
        // The second from, let, where, both orderings, both join keys, group and by, and select.
        Assert.Equal(10, guarded.Split("global::Mpc.Scripting.ScriptGuard.Pass(").Length - 1);
        var rewritten = CSharpScript.Create(guarded, options, typeof(ScriptGlobals)).GetCompilation();
        Assert.Empty(rewritten.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
        Assert.Contains("{ global::Mpc.Scripting.ScriptGuard.Tick(); return x + 1; } // a comment", guarded, StringComparison.Ordinal);
        Assert.Contains("() => { global::Mpc.Scripting.ScriptGuard.Tick(); mpc.Progress(\"x\", 0); }", guarded, StringComparison.Ordinal);
    }
}
