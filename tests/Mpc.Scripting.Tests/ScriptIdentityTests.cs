using System.Security.Cryptography;
using System.Text;
using Mpc.Federation;
using Mpc.Federation.Protocols;

namespace Mpc.Scripting.Tests;

public class ScriptIdentityTests
{
    private const string Body = "Run(async mpc => await mpc.Output(\"total\", mpc.Public(1)));\n";

    private static string Sha256(byte[] bytes) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(bytes));

    [Fact]
    public void CrlfAndLfVersionsOfAScriptGetDifferentIdsEachTheSha256OfTheExactTextCompiled()
    {
        string lf = ScriptHarness.Header.Replace("\r\n", "\n", StringComparison.Ordinal) + Body;
        string crlf = lf.Replace("\n", "\r\n", StringComparison.Ordinal);
        var a = ScriptHarness.Compile(lf);
        var b = ScriptHarness.Compile(crlf);
        Assert.NotEqual(a.Id, b.Id);
        Assert.Equal(Sha256(Encoding.UTF8.GetBytes(lf)), a.Id);
        Assert.Equal(Sha256(Encoding.UTF8.GetBytes(crlf)), b.Id);
        Assert.Equal(lf, a.Source);
        Assert.Equal(crlf, b.Source);
        Assert.Equal(a.Id, ScriptIdentity.Hash(a.Source));
    }

    [Fact]
    public void TwoScriptsThatBehaveDifferentlyOnlyByTheirLineEndingsNeverShareAnId()
    {
        // A verbatim string holds the line ending itself: the same script with CRLF labels its output differently.
        string lf = ScriptHarness.Header + "Label(\"total\", p => new[] { @\"a\nb\" });\n" + Body;
        var a = ScriptHarness.Compile(lf);
        var b = ScriptHarness.Compile(lf.Replace("\n", "\r\n", StringComparison.Ordinal));
        var parameters = ProtocolParameters.Bind(a.Parameters, new Dictionary<string, string> { ["column"] = "age" });
        Assert.NotEqual(a.Labels("total", parameters), b.Labels("total", parameters));
        Assert.NotEqual(a.Id, b.Id);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void LoadingAFileWithCrlfGivesTheHashOfItsBytes(bool byteOrderMark)
    {
        string path = Path.Combine(Path.GetTempPath(), $"mpc-identity-{Guid.NewGuid():N}.csx");
        byte[] text = Encoding.UTF8.GetBytes((ScriptHarness.Header + Body).Replace("\r\n", "\n", StringComparison.Ordinal).Replace("\n", "\r\n", StringComparison.Ordinal));
        byte[] bytes = byteOrderMark ? [0xEF, 0xBB, 0xBF, .. text] : text;
        File.WriteAllBytes(path, bytes);
        try
        {
            var script = ScriptCompiler.Load(path);
            Assert.Equal(Sha256(bytes), script.Id);
            Assert.Equal(bytes, new UTF8Encoding(false).GetBytes(script.Source));
            Assert.Equal("Test script.", script.Description);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void AFileThatIsNotUtf8IsRefusedRatherThanRepaired()
    {
        string path = Path.Combine(Path.GetTempPath(), $"mpc-identity-{Guid.NewGuid():N}.csx");
        File.WriteAllBytes(path, [.. Encoding.UTF8.GetBytes(ScriptHarness.Header + "// "), 0xFF, 0x0A, .. Encoding.UTF8.GetBytes(Body)]);
        try
        {
            Assert.Throws<InvalidDataException>(() => ScriptCompiler.Load(path));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void TextWithALoneSurrogateHasNoIdBecauseItWouldShareOneWithTheReplacementCharacter()
    {
        Assert.Throws<ArgumentException>(() => ScriptIdentity.Hash("// \uD800\n"));
        Assert.Throws<ArgumentException>(() => ScriptCompiler.Compile(ScriptHarness.Header + "// \uD800\n" + Body, "s", "s.csx"));
    }

    [Fact]
    public void AParameterValueThatIsCSharpCodeIsOnlyAValue()
    {
        const string code = "\"); throw new System.InvalidOperationException(\"injected\"); Run(async mpc => { }); //";
        var script = ScriptHarness.Compile(ScriptHarness.Header + """
            Parameter("note", ParameterType.Text, "", "Free text.");
            Label("total", p => new[] { p.Text("note") });
            Run(async mpc => await mpc.Output("total", mpc.Public(mpc.Text("note").Length)));
            """);
        string id = script.Id;
        var bound = ProtocolParameters.Bind(script.Parameters, new Dictionary<string, string> { ["column"] = "age", ["note"] = code });
        Assert.Equal(code, bound.Text("note"));
        Assert.Equal([code], script.Labels("total", bound));
        Assert.Equal(id, script.Id);
    }
}
