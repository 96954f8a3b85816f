using Mpc.Net;

namespace Mpc.EndToEnd.Tests;

public class DatasetListingTests
{
    [Fact]
    public async Task AnAnalystSeesEveryPartysColumnNamesAndTypesButNoValues()
    {
        await using var federation = TestFederation.Create(2);
        // Party b's rows get a text column (some cells missing), so its listing differs from a's.
        var lines = File.ReadAllLines(federation.DataFiles[1]);
        File.WriteAllLines(federation.DataFiles[1], lines.Select((line, i) => line + (i == 0 ? ",celltype" : i % 2 == 0 ? ",adeno" : ",")));
        federation.StartAll();

        var listing = await federation.Client().ListDatasetsAsync(default);

        Assert.Equal(["hospital-a", "hospital-b"], listing.Select(p => p.Party));
        var header = Mpc.Data.CsvTable.Load(federation.DataFiles[0]).ColumnNames.ToArray();
        var a = Assert.Single(listing[0].Datasets);
        Assert.Equal("lung", a.Name);
        Assert.Equal(header, a.Columns);
        Assert.All(a.Types, t => Assert.Equal(DatasetSchema.Numeric, t));
        var b = Assert.Single(listing[1].Datasets);
        Assert.Equal([.. header, "celltype"], b.Columns);
        Assert.Equal([.. header.Select(_ => DatasetSchema.Numeric), DatasetSchema.TextType], b.Types);
    }
}
