using System.Security.Cryptography;
using System.Text;
using Mpc.Federation.Protocols;

namespace Mpc.EndToEnd.Tests;

/// <summary>The parameter hash every party compares at session start.</summary>
public class ProtocolParametersTests
{
    private static readonly ParameterDefinition[] Definitions = [new("a", ParameterType.Text, "", "A."), new("b", ParameterType.Text, "", "B.")];

    [Fact]
    public void ParameterSetsThatJoinToTheSameNameEqualsValueLinesHashDifferently()
    {
        var first = ProtocolParameters.Bind(Definitions, new Dictionary<string, string> { ["a"] = "x\nb=y", ["b"] = "" });
        var second = ProtocolParameters.Bind(Definitions, new Dictionary<string, string> { ["a"] = "x", ["b"] = "y\nb=" });
        // The pair collides under the old "name=value\n" joining.
        Assert.Equal(OldHash(first), OldHash(second));
        Assert.NotEqual(first.Hash(), second.Hash());
    }

    [Fact]
    public void TheHashIsTheSameWhateverTheOrderTheValuesWereGivenIn()
    {
        var first = ProtocolParameters.Bind(Definitions, new Dictionary<string, string> { ["a"] = "1", ["b"] = "2" });
        var second = ProtocolParameters.Bind(Definitions, new Dictionary<string, string> { ["b"] = "2", ["a"] = "1" });
        Assert.Equal(first.Hash(), second.Hash());
        Assert.NotEqual(first.Hash(), ProtocolParameters.Bind(Definitions, new Dictionary<string, string> { ["a"] = "2", ["b"] = "1" }).Hash());
        Assert.Matches("^[0-9a-f]{64}$", first.Hash());
    }

    private static string OldHash(ProtocolParameters parameters)
    {
        var canonical = new StringBuilder();
        foreach (var (name, value) in parameters.Values.OrderBy(p => p.Key, StringComparer.Ordinal)) canonical.Append(name).Append('=').Append(value).Append('\n');
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical.ToString())));
    }
}
