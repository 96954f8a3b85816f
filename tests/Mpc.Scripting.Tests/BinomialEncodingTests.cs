using Mpc.Boltzmann;
using Mpc.Data;

namespace Mpc.Scripting.Tests;

public class BinomialEncodingTests
{
    private static readonly CsvTable Genotypes = CsvTable.Parse(new StringReader("snp1,snp2\n0,2\n1,0.0\n2,1\n"), "site-a.csv");

    [Fact]
    public void BinomialColumnsTakeZeroOneOrTwoAndAnythingElseStopsTheSessionNamingTheColumn()
    {
        var encoding = VisibleEncoding.Create(["snp1", "snp2"], "binomial", "");
        Assert.Equal(VisibleKind.Binomial, encoding.Kind);
        Assert.Equal([[0.0, 2], [1.0, 0], [2.0, 1]], encoding.Rows(Genotypes));
        Assert.Equal([double.NaN, 2], encoding.Clamp("snp2=2"));
        var clamp = Assert.Throws<Mpc.Core.ParameterProblemException>(() => encoding.Clamp("snp1=3"));
        Assert.Equal("condition: column 'snp1' is binomial; fix it at 0, 1 or 2, not 3.", clamp.Message);
        var bad = CsvTable.Parse(new StringReader("snp1\n0\n3\n"), "site-b.csv");
        var error = Assert.Throws<Mpc.Core.DataProblemException>(() => VisibleEncoding.Create(["snp1"], "binomial", "").Rows(bad));
        Assert.Equal("column 'snp1': a binomial visible unit must be 0, 1 or 2 in every row.", error.Message);
        Assert.Equal("site-b.csv, row 3, column 'snp1': a binomial visible unit must be 0, 1 or 2, got 3.", error.Detail);
    }

    [Theory]
    [InlineData("a-c,d-f", new[] { 3, 3 }, new[] { 3, 3 })]
    [InlineData("a,b-f:2", new[] { 1, 5 }, new[] { 4, 2 })]
    [InlineData("a-b,c-d,e-f", new[] { 2, 2, 2 }, new[] { 2, 2, 2 })]
    public void PartitionsAreGroupsOfColumnsInOrderWithTheirHiddenUnitsGivenOrSharedEvenly(string text, int[] visible, int[] hidden)
    {
        var partitions = BoltzmannApi.ParsePartitions(VisibleEncoding.Create(["a", "b", "c", "d", "e", "f"], "bernoulli", ""), text, 6);
        Assert.Equal(visible, partitions.VisibleSizes);
        Assert.Equal(hidden, partitions.HiddenSizes);
    }

    [Theory]
    [InlineData("a-c", "partitions: give at least two groups that cover all 6 columns in order.")]
    [InlineData("a-c,e-f", "partitions: 'e-f' does not start at column 'd'; groups cover the columns in order, each once.")]
    [InlineData("a-c:5,d-f:5", "partitions: the groups' hidden units (10, and at least one for each of 0 without ':n') must add up to the first hidden layer's 6.")]
    [InlineData("a-c,x-y", "partitions: 'x-y' is neither one of the columns nor a range first-last of them in order.")]
    public void PartitionsThatDoNotCoverTheColumnsInOrderAreRefusedNamingTheProblem(string text, string message)
    {
        var error = Assert.Throws<Mpc.Core.ParameterProblemException>(() => BoltzmannApi.ParsePartitions(VisibleEncoding.Create(["a", "b", "c", "d", "e", "f"], "bernoulli", ""), text, 6));
        Assert.Equal(message, error.Message);
    }
}
