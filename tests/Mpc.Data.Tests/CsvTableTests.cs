namespace Mpc.Data.Tests;

public class CsvTableTests
{
    [Fact]
    public void QuotedHeadersNumbersAndMissingValuesAreRead()
    {
        var table = CsvTable.Parse(new StringReader("\"time\",\"status\",\"ph.ecog\"\n306,1,1\n455,1,\n1010,0,NA\n"), "lung.csv");
        Assert.Equal(["time", "status", "ph.ecog"], table.ColumnNames);
        Assert.Equal(3, table.RowCount);
        Assert.Equal([306.0, 455, 1010], table.Column("time"));
        Assert.True(double.IsNaN(table.Column("ph.ecog")[1]));
        Assert.True(double.IsNaN(table.Column("ph.ecog")[2]));
    }

    [Fact]
    public void ANonNumberIsReportedPubliclyByColumnOnlyAndInDetailWithFileRowAndCell()
    {
        var table = CsvTable.Parse(new StringReader("time,status\n5,1\n\n7,yes\n"), "/data/site-a.csv", "lung");
        Assert.Equal([5.0, 7], table.Column("time"));
        var error = Assert.Throws<DataFormatException>(() => table.Column("status"));
        Assert.Equal("column 'status' has a cell that is not a number.", error.Message);
        Assert.Equal(error.Message, error.PublicMessage);
        Assert.Equal("/data/site-a.csv, row 4, column 'status': 'yes' is not a number.", error.Detail);
        Assert.True(error.DependsOnValues);
    }

    [Fact]
    public void ATextColumnKeepsItsCellsWithMissingOnesAsNull()
    {
        var table = CsvTable.Parse(new StringReader("stage,age\n II ,50\nNA,61\nIV,\n"), "site-a.csv");
        Assert.Equal(["II", null, "IV"], table.Text("stage"));
        Assert.Equal(["50", "61", null], table.Text("age"));
        Assert.True(double.IsNaN(table.Column("age")[2]));
    }

    [Fact]
    public void AShortRowIsReported()
    {
        var error = Assert.Throws<DataFormatException>(() => CsvTable.Parse(new StringReader("a,b\n1,2\n3\n"), "/data/x.csv", "cohort"));
        Assert.Equal("dataset 'cohort' has a row whose field count differs from the header's.", error.Message);
        Assert.Equal("/data/x.csv, row 3: 1 fields where the header has 2.", error.Detail);
    }

    [Fact]
    public void AnUnknownColumnIsNamedPubliclyAndTheLogDetailListsTheColumns()
    {
        var table = CsvTable.Parse(new StringReader("a,b\n1,2\n"), "/data/x.csv", "cohort");
        var error = Assert.Throws<DataFormatException>(() => table.Column("c"));
        Assert.Equal("dataset 'cohort' has no column 'c'.", error.Message);
        Assert.Equal("/data/x.csv: no column 'c'; the columns are 'a', 'b'.", error.Detail);
    }

    [Fact]
    public void EmptyFilesAndDuplicateColumnsAreRejected()
    {
        Assert.Equal("dataset 'e' is empty; a header row is needed.", Assert.Throws<DataFormatException>(() => CsvTable.Parse(new StringReader(""), "e.csv")).Message);
        Assert.Equal("dataset 'd': column 'a' appears twice in the header.", Assert.Throws<DataFormatException>(() => CsvTable.Parse(new StringReader("a,a\n1,2\n"), "d.csv")).Message);
        var missing = Assert.Throws<DataFormatException>(() => CsvTable.Load("/nonexistent/file.csv", "lung"));
        Assert.Equal("the data file of dataset 'lung' cannot be found.", missing.Message);
        Assert.Equal("Data file /nonexistent/file.csv does not exist.", missing.Detail);
    }
}
