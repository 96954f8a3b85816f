using Mpc.Federation.Protocols;

namespace Mpc.Scripting.Tests;

public class ScriptCompilerTests
{
    private const string Header = """
        Describe("Test script.");
        Parameter("column", ParameterType.Column, null, "A column.");
        Output("total", "A total.");

        """;

    private static ScriptCompilationException Rejected(string body) =>
        Assert.Throws<ScriptCompilationException>(() => ScriptCompiler.Compile(Header + body, "test", "protocols/test.csx"));

    [Fact]
    public void DeclarationsAreReadWithoutRunningTheBody()
    {
        var script = ScriptCompiler.Compile(Header + """
            Output("mean", OutputKind.Exact, "A mean.");
            Precision(32);
            Run(async mpc => { throw new InvalidOperationException("the body must not run at declaration time"); });
            """, "test", "test.csx");
        Assert.Equal("Test script.", script.Description);
        Assert.Equal(["column", "dataset"], script.Parameters.Select(p => p.Name));
        Assert.True(script.Parameters[0].IsRequired);
        Assert.Equal(["total", "mean"], script.Outputs.Select(o => o.Name));
        Assert.Equal(32, script.Format.FractionalBits);
        Assert.Equal(128, script.Format.RingBits);
        Assert.StartsWith("sha256:", script.Id, StringComparison.Ordinal);
    }

    [Fact]
    public void TheIdIsTheContentHashAndChangesWithAnyEditEvenOfLineEndings()
    {
        const string body = "Run(async mpc => await mpc.Output(\"total\", mpc.Public(1)));";
        var a = ScriptCompiler.Compile(Header + body, "a", "a.csx");
        var b = ScriptCompiler.Compile(Header + body + " ", "a", "a.csx");
        Assert.NotEqual(a.Id, b.Id);
        Assert.NotEqual(a.Id, ScriptCompiler.Compile((Header + body).Replace("\n", "\r\n", StringComparison.Ordinal), "a", "a.csx").Id);
    }

    [Fact]
    public void CompileErrorsCarryFileLineAndMessage()
    {
        var error = Rejected("Run(async mpc => { var x = 1 });");
        var diagnostic = Assert.Single(error.Diagnostics);
        Assert.Equal(("protocols/test.csx", 4, 30, "CS1002"), (diagnostic.File, diagnostic.Line, diagnostic.Column, diagnostic.Code));
        Assert.Equal("protocols/test.csx(4,30): error CS1002: ; expected", error.Message);
    }

    [Theory]
    [InlineData("var text = System.IO.File.ReadAllText(\"/etc/passwd\");", "'System.IO.File'")]
    [InlineData("var client = new System.Net.Http.HttpClient();", "'System.Net.Http.HttpClient'")]
    [InlineData("System.Diagnostics.Process.Start(\"sh\");", "'System.Diagnostics.Process'")]
    [InlineData("var home = Environment.GetEnvironmentVariable(\"HOME\");", "'System.Environment'")]
    [InlineData("var t = Type.GetType(\"System.IO.File\");", "'System.Type'")]
    [InlineData("var t = 1.GetType();", "'object.GetType'")]
    [InlineData("var t = typeof(string);", "typeof (reflection)")]
    [InlineData("var m = typeof(string).GetMethods();", "typeof (reflection)")]
    [InlineData("Task.Run(() => 1);", "'System.Threading.Tasks.Task.Run'")]
    [InlineData("var thread = new System.Threading.Thread(() => { });", "'System.Threading.Thread'")]
    [InlineData("unsafe { int x = 1; int* p = &x; }", "unsafe code")]
    [InlineData("[System.Runtime.InteropServices.DllImport(\"libc\")] static extern int getpid();", "an attribute (such as DllImport)")]
    [InlineData("dynamic d = 1;", "dynamic")]
    [InlineData("GC.Collect();", "'System.GC'")]
    [InlineData("var a = AppDomain.CurrentDomain;", "'System.AppDomain'")]
    [InlineData("var r = System.Runtime.InteropServices.Marshal.AllocHGlobal(8);", "'System.Runtime.InteropServices.Marshal'")]
    public void ForbiddenApisAreRejectedAtCompileTimeWithTheirLine(string line, string what)
    {
        var error = Rejected(line + "\nRun(async mpc => { });");
        Assert.Contains(error.Diagnostics, d => d.Line == 4 && d.Code == "MPC001" && d.Message.StartsWith(what + " is not allowed", StringComparison.Ordinal));
    }

    [Fact]
    public void ForbiddenApisInsideTheBodyAreRejectedToo()
    {
        var error = Rejected("""
            Run(async mpc =>
            {
                var rows = mpc.Column("age");
                await System.IO.File.WriteAllTextAsync("/tmp/leak.csv", string.Join(",", rows));
            });
            """);
        var diagnostic = error.Diagnostics.First();
        Assert.Equal(7, diagnostic.Line);
        Assert.Equal("protocols/test.csx(7,11): error MPC001: 'System.IO.File' is not allowed: protocol scripts may use the script API, System.Math, primitive types, strings, collections, LINQ and tasks; file, network, process, reflection, environment, threads, unsafe code and P/Invoke are not available.", diagnostic.ToString());
    }

    [Fact]
    public void ReferenceAndLoadDirectivesAreRejected()
    {
        var error = Assert.Throws<ScriptCompilationException>(() => ScriptCompiler.Compile("#r \"System.Net.Http\"\n" + Header + "Run(async mpc => { });", "t", "t.csx"));
        Assert.Contains(error.Diagnostics, d => d.Line == 1 && (d.Code == "MPC001" || d.Code.StartsWith("CS", StringComparison.Ordinal)));
    }

    [Fact]
    public void TheRuntimeBehindTheApiIsOutOfReach()
    {
        var error = Rejected("Run(async mpc => { var rt = mpc.Runtime; });");
        Assert.Contains(error.Diagnostics, d => d.Message.StartsWith("'Mpc.Scripting.ScriptSession.Runtime' is not allowed", StringComparison.Ordinal));
    }

    [Fact]
    public void AllowedCodeCompiles()
    {
        var script = ScriptCompiler.Compile(Header + """
            double Square(double v) => v * v;
            Run(async mpc =>
            {
                var xs = mpc.Column(mpc.Text("column")).Where(v => !double.IsNaN(v)).Select(Square).ToList();
                var lookup = new Dictionary<string, int> { ["a"] = 1 };
                var total = Math.Round(xs.Sum(), 2, MidpointRounding.ToEven);
                for (int i = 0; i < 3; i++) { total += i; }
                var (a, b) = (1.0, 2.0);
                await mpc.Output("total", mpc.Public(total + a + b + lookup["a"]));
            });
            """, "ok", "ok.csx");
        Assert.Equal("ok", script.Name);
    }

    [Fact]
    public void AScriptWithoutARunBodyIsRejected()
    {
        var error = Assert.Throws<ScriptCompilationException>(() => ScriptCompiler.Compile(Header, "empty", "empty.csx"));
        Assert.Equal("MPC002", Assert.Single(error.Diagnostics).Code);
    }

    [Fact]
    public void LabelsAndDerivationsOfACachedScriptStillRunLongAfterItWasCompiled()
    {
        // The analyst's client caches a compiled script; its label and derivation lambdas tick the guard and must not inherit a caller's expired deadline.
        var script = ScriptCompiler.Compile(Header + """
            Output("twice", OutputKind.Derived, "Twice the total.");
            Label("total", p => { return new[] { p.Text("column") }; });
            Derive((outputs, p) => { return new Dictionary<string, double[]> { ["twice"] = outputs["total"].Select(v => 2 * v).ToArray() }; });
            Run(async mpc => await mpc.Output("total", mpc.Public(1)));
            """, "cached", "cached.csx");
        using var expired = ScriptGuard.Arm(TimeSpan.Zero);
        Thread.Sleep(20);
        var parameters = ProtocolParameters.Bind(script.Parameters, new Dictionary<string, string> { ["column"] = "age" });
        Assert.Equal(["age"], script.Labels("total", parameters));
        Assert.Equal([6.0], script.Derive(new Dictionary<string, double[]> { ["total"] = [3] }, parameters)["twice"]);
        Assert.Throws<ScriptTimeoutException>(ScriptGuard.Tick);
    }
}
