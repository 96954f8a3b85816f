using Mpc.Data;
using Mpc.Federation.Protocols;

namespace Mpc.Scripting.Tests;

public class ScriptDeclarationTests
{
    private static ScriptCompilationException Rejected(string source) =>
        Assert.Throws<ScriptCompilationException>(() => ScriptHarness.Compile(source));

    [Fact]
    public void DeclarationsAreReadFromTheTextWithoutRunningAnyOfTheScript()
    {
        // Every piece of analyst code here throws when it runs: compiling and reading the declarations must not run any of it.
        var script = ScriptHarness.Compile("""
            const string Ran = " ran";
            Describe("Reads " + "constants.");
            Parameter("column", ParameterType.Column, null, "A column.");
            Parameter(description: "How many.", name: "count", type: ParameterType.Integer, defaultValue: "3");
            Output("total", "A total.");
            Output("share", OutputKind.DifferentiallyPrivate, "A noised share.");
            Output("twice", OutputKind.Derived, "Twice the total.");
            Precision(32);
            AllowMissingValues();
            Stage("counting");
            Stage("summing");
            Label("total", p => p.Text("column") == "age" ? throw new InvalidOperationException("label" + Ran) : new[] { "fine" });
            Derive((outputs, p) => throw new InvalidOperationException("derive" + Ran));
            Run(async mpc => throw new InvalidOperationException("body" + Ran));
            static int Helper() => throw new InvalidOperationException("method" + Ran);
            class Bomb
            {
                public static int Field = Helper();
                public int Instance = Helper();
            }
            """);
        Assert.Equal("Reads constants.", script.Description);
        Assert.Equal(["column", "count", "dataset"], script.Parameters.Select(p => p.Name));
        Assert.Equal((ParameterType.Integer, "3", "How many."), (script.Parameters[1].Type, script.Parameters[1].Default, script.Parameters[1].Description));
        Assert.True(script.Parameters[0].IsRequired);
        Assert.Equal([("total", OutputKind.Exact), ("share", OutputKind.DifferentiallyPrivate), ("twice", OutputKind.Derived)], script.Outputs.Select(o => (o.Name, o.Kind)));
        Assert.Equal(32, script.Format.FractionalBits);
        Assert.Equal(["counting", "summing"], script.Stages);
        Assert.True(script.Declarations.MissingValuesAllowed);
        Assert.True(script.Declarations.HasDerivation);
        Assert.Equal(["total"], script.Declarations.LabelledOutputs);
        var parameters = ProtocolParameters.Bind(script.Parameters, new Dictionary<string, string> { ["column"] = "age" });
        Assert.Empty(script.Validate(parameters, CsvTable.Parse(new StringReader("age\n1\n"), "test.csv")));

        // Only the analyst's own client runs the top level, for the lambda it asks for.
        Assert.Equal(["fine"], script.Labels("total", ProtocolParameters.Bind(script.Parameters, new Dictionary<string, string> { ["column"] = "sex" })));
        Assert.Equal("label ran", Assert.Throws<InvalidOperationException>(() => script.Labels("total", parameters)).Message);
    }

    [Fact]
    public void ADefaultValueThatCallsAMethodIsRefusedAsNotConstantAndTheMethodNeverRuns()
    {
        var error = Rejected("""
            Describe("Test script.");
            Parameter("column", ParameterType.Column, Boom(), "A column.");
            Run(async mpc => { });
            static string Boom() => throw new InvalidOperationException("ran");
            """);
        var diagnostic = Assert.Single(error.Diagnostics);
        Assert.Equal(("protocols/test.csx", 2, 43, "MPC005"), (diagnostic.File, diagnostic.Line, diagnostic.Column, diagnostic.Code));
        Assert.Contains("defaultValue of Parameter(...) must be a compile-time constant", diagnostic.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("var x = 1;", "a variable declaration")]
    [InlineData("int counter;", "a variable declaration")]
    [InlineData("int P { get; } = Environment.ProcessorCount;", "a property initializer")]
    [InlineData("for (;;) { }", "a loop")]
    [InlineData("while (true) { }", "a loop")]
    [InlineData("Math.Max(1, 2);", "a call to Math.Max")]
    [InlineData("Helper();", "a call to Helper")]
    [InlineData("await Task.Delay(1);", "an await")]
    [InlineData("if (true) Describe(\"x\");", "this statement")]
    [InlineData("Describe(\"x\") ;  ; again: Describe(\"y\");", "a label or goto")]
    public void TopLevelStatementsOtherThanDeclarationsAreRefusedNamingFileAndLine(string statement, string what)
    {
        var error = Rejected(ScriptHarness.Header + statement + "\nRun(async mpc => { });\nstatic int Helper() => 1;\n");
        Assert.Contains(error.Diagnostics, d => d is { File: "protocols/test.csx", Line: 4, Code: "MPC004" }
            && d.Message.StartsWith(what + " at the top level: the top level of a script only declares", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Describe(\"Again.\");", "Describe(...) is declared twice.")]
    [InlineData("Parameter(\"column\", ParameterType.Text, \"\", \"Again.\");", "parameter 'column' is declared twice.")]
    [InlineData("Output(\"total\", OutputKind.Exact, \"Again.\");", "output 'total' is declared twice.")]
    [InlineData("Run(async mpc => { });", "Run(...) is declared twice.")]
    [InlineData("Stage(\"a\"); Stage(\"a\");", "stage 'a' is declared twice.")]
    [InlineData("Label(\"total\", p => new[] { \"a\" }); Label(\"total\", p => new[] { \"b\" });", "the label of output 'total' is declared twice.")]
    [InlineData("Precision(30); Precision(31);", "Precision(...) is declared twice.")]
    public void DuplicateDeclarationsAreRefusedWithTheirLine(string duplicate, string message)
    {
        var error = Rejected(ScriptHarness.Header + "Run(async mpc => { });\n" + duplicate + "\n");
        var diagnostic = Assert.Single(error.Diagnostics);
        Assert.Equal((5, "MPC005", message), (diagnostic.Line, diagnostic.Code, diagnostic.Message));
    }

    [Theory]
    [InlineData("Precision(41);", "Precision(41) is out of range")]
    [InlineData("Output(\"x\", (OutputKind)42, \"Bad kind.\");", "42 is not a member of OutputKind.")]
    [InlineData("Output(\" \", \"Empty name.\");", "the name of Output(...) must not be empty.")]
    [InlineData("Label(\"missing\", p => new[] { \"a\" });", "Label(\"missing\", ...) names an output that is not declared.")]
    [InlineData("Describe(string.Concat(\"a\", \"b\"));", "the description of Describe(...) must be a compile-time constant")]
    public void DeclarationsWithValuesThatCannotBeReadAreRefused(string declaration, string message)
    {
        var error = Rejected(ScriptHarness.Header.Replace("Describe(\"Test script.\");", "", StringComparison.Ordinal) + "Run(async mpc => { });\n" + declaration + "\n");
        var diagnostic = Assert.Single(error.Diagnostics);
        Assert.Equal((5, "MPC005"), (diagnostic.Line, diagnostic.Code));
        Assert.StartsWith(message, diagnostic.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("await mpc.Output(\"mean\", x);", "mpc.Output", "mean", 7, 22)]
    [InlineData("await mpc.OutputCounts(\"n\", x, new double[] { mpc.Rows });", "mpc.OutputCounts", "n", 7, 28)]
    [InlineData("mpc.CheckGroups(output: \"means\", new double[] { mpc.Rows });", "mpc.CheckGroups", "means", 7, 21)]
    [InlineData("await mpc.ReleaseCounts(\"counts\", new double[] { mpc.Rows }, 1, 1e-5, 1);", "mpc.ReleaseCounts", "counts", 7, 29)]
    [InlineData("await mpc.Regression.Logistic(\"y\", new[] { \"x\" }, true, 0, 15, 1e-6, false, constantOutput: \"checks\");", "mpc.Regression.Logistic", "checks", 7, 81)]
    public void AnOutputCallNamingAnUndeclaredOutputIsRefusedWithItsLine(string call, string method, string output, int line, int column)
    {
        var error = Rejected(ScriptHarness.Header + "Run(async mpc =>\n{\n    var x = mpc.Public(1);\n    " + call + "\n});\n");
        var diagnostic = Assert.Single(error.Diagnostics);
        Assert.Equal(("protocols/test.csx", line, column, "MPC007"), (diagnostic.File, diagnostic.Line, diagnostic.Column, diagnostic.Code));
        Assert.StartsWith($"{method} names the output \"{output}\", which the script does not declare", diagnostic.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnOutputCallInAMethodTheBodyCallsIsCheckedAsWell()
    {
        var error = Rejected(ScriptHarness.Header + "Run(async mpc => await Send(mpc));\nstatic Task Send(ScriptSession mpc) => mpc.Output(\"totl\", mpc.Public(1));\n");
        Assert.Equal((5, "MPC007"), (Assert.Single(error.Diagnostics).Line, error.Diagnostics[0].Code));
    }

    [Fact]
    public void DeclaredNamesAndNamesComputedAtRunTimeCompile()
    {
        // A computed name cannot be read without running the script: the parties' reveal policy refuses it if it is not declared.
        var script = ScriptHarness.Compile(ScriptHarness.Header + """
            Output("n", OutputKind.Counts, "Rows.");
            Run(async mpc =>
            {
                await mpc.Output("total", mpc.Public(1));
                await mpc.OutputCounts(name: "n", value: mpc.Public(mpc.Rows), localCells: new double[] { mpc.Rows });
                await mpc.Output(mpc.Text("column"), mpc.Public(2));
            });
            """);
        Assert.Equal(["total", "n"], script.Outputs.Select(o => o.Name));
    }

    [Fact]
    public void ARunBodyThatIsNotALambdaWrittenInPlaceIsRefused()
    {
        var error = Rejected(ScriptHarness.Header + "Run(MakeBody());\nstatic Func<ScriptSession, Task> MakeBody() => async mpc => { };\n");
        Assert.Equal(("MPC005", 4), (Assert.Single(error.Diagnostics).Code, error.Diagnostics[0].Line));
    }

    [Fact]
    public void AScriptWithoutRunIsRefused()
    {
        var diagnostic = Assert.Single(Rejected(ScriptHarness.Header).Diagnostics);
        Assert.Equal(("protocols/test.csx", 1, "MPC002"), (diagnostic.File, diagnostic.Line, diagnostic.Code));
    }

    [Fact]
    public void DerivedOutputsWithoutDeriveAreRefusedAtTheirDeclaration()
    {
        var diagnostic = Assert.Single(Rejected(ScriptHarness.Header + "Output(\"p\", OutputKind.Derived, \"A p-value.\");\nRun(async mpc => { });\n").Diagnostics);
        Assert.Equal((4, "MPC003"), (diagnostic.Line, diagnostic.Code));
        Assert.Equal("derived outputs (p) need a Derive(...) declaration.", diagnostic.Message);
    }

    [Fact]
    public void AFinalizerIsRefusedBecauseItWouldRunOutsideAnyRun()
    {
        var diagnostic = Assert.Single(Rejected(ScriptHarness.Header + "Run(async mpc => { });\nclass Leaky { ~Leaky() { } }\n").Diagnostics);
        Assert.Equal((5, "MPC001"), (diagnostic.Line, diagnostic.Code));
        Assert.Contains("a finalizer", diagnostic.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AModuleInitializerIsRefusedBecauseItWouldRunWhenTheScriptIsLoaded()
    {
        var error = Rejected(ScriptHarness.Header + "Run(async mpc => { });\nclass Early { [System.Runtime.CompilerServices.ModuleInitializer] internal static void Init() { } }\n");
        Assert.Contains(error.Diagnostics, d => d is { Line: 5, Code: "MPC006" });
    }

    [Theory]
    [InlineData("protocols/kaplan-meier.csx")]
    [InlineData("protocols/logistic-regression.csx")]
    [InlineData("protocols/boltzmann-machine.csx")]
    [InlineData("examples/sum/sum.csx")]
    [InlineData("examples/mean-variance/mean-variance.csx")]
    [InlineData("examples/histogram/histogram.csx")]
    [InlineData("examples/correlation/correlation.csx")]
    public void TheShippedScriptsOnlyDeclareOnTheirTopLevel(string file)
    {
        var script = ScriptCompiler.Load(Path.Combine(RepositoryRoot(), file));
        Assert.NotEmpty(script.Description);
        Assert.NotEmpty(script.Outputs);
        Assert.Equal(script.Outputs.Any(o => o.Kind == OutputKind.Derived), script.Declarations.HasDerivation);
    }

    [Fact]
    public async Task ProgressCarriesOnlyDeclaredStages()
    {
        var reports = new List<(string, double)>();
        var script = ScriptHarness.Compile(ScriptHarness.Header + """
            Stage("counting");
            Run(async mpc => { mpc.Progress("counting", 2); mpc.Progress("rows: " + mpc.Rows, 0.5); });
            """);
        var (error, _) = await ScriptHarness.RunAsync(script, TimeSpan.FromSeconds(60), (stage, fraction) => { lock (reports) reports.Add((stage, fraction)); });
        Assert.Equal([("counting", 1.0)], reports);
        Assert.Contains("the progress stage 'rows: 2' is not declared", Assert.IsType<ArgumentException>(error).Message, StringComparison.Ordinal);
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
            if (Directory.Exists(Path.Combine(directory.FullName, "protocols")) && Directory.Exists(Path.Combine(directory.FullName, "src"))) return directory.FullName;
        throw new DirectoryNotFoundException("The repository root (with protocols/) is not above the test directory.");
    }
}
