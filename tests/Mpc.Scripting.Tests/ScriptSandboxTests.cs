namespace Mpc.Scripting.Tests;

public class ScriptSandboxTests
{
    private const string Header = """
        Describe("Test script.");
        Parameter("column", ParameterType.Column, null, "A column.");
        Output("total", "A total.");

        """;

    // The header takes three lines and a blank one; the body starts on line 5.
    private const int FirstLine = 5;

    private static ScriptCompilationException Rejected(string body) =>
        Assert.Throws<ScriptCompilationException>(() => ScriptCompiler.Compile(Header + body, "test", "protocols/hostile.csx"));

    // The script is refused by the sandbox, naming the file, the line (counted from the body's first line) and the text.
    private static void AssertRefused(string body, int line, string what)
    {
        var error = Rejected(body);
        Assert.True(error.Diagnostics.Any(d => d.Code == "MPC001" && d.File == "protocols/hostile.csx" && d.Line == FirstLine + line - 1 && d.Message.Contains(what, StringComparison.Ordinal)),
            $"expected MPC001 on line {FirstLine + line - 1} naming {what}; got:{Environment.NewLine}{error.Message}");
    }

    private static void AssertCompiles(string source, string name = "ok")
    {
        try
        {
            ScriptCompiler.Compile(source, name, name + ".csx");
        }
        catch (ScriptCompilationException error)
        {
            Assert.Fail($"{name} does not compile:{Environment.NewLine}{error.Message}");
        }
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Mpc.sln"))) return directory.FullName;
        }
        throw new InvalidOperationException("Mpc.sln not found above " + AppContext.BaseDirectory);
    }

    public static TheoryData<string> ShippedScripts()
    {
        string root = RepositoryRoot();
        var data = new TheoryData<string>();
        foreach (string path in Directory.GetFiles(Path.Combine(root, "protocols"), "*.csx").Concat(Directory.GetFiles(Path.Combine(root, "examples"), "*.csx", SearchOption.AllDirectories)).Order(StringComparer.Ordinal))
            data.Add(Path.GetRelativePath(root, path));
        return data;
    }

    [Theory]
    [MemberData(nameof(ShippedScripts))]
    public void EveryShippedScriptCompilesInsideTheSandbox(string path)
    {
        string full = Path.Combine(RepositoryRoot(), path);
        AssertCompiles(File.ReadAllText(full), Path.GetFileNameWithoutExtension(full));
    }
}
