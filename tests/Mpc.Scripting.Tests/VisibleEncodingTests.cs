using Mpc.Boltzmann;
using Mpc.Data;

namespace Mpc.Scripting.Tests;

public class VisibleEncodingTests
{
    private static readonly CsvTable Patients = CsvTable.Parse(new StringReader("sex,ecog,smoker\nmale,1,0\nfemale,0.0,1\nmale,2,1\n"), "site-a.csv");

    [Fact]
    public void CategoricalColumnsBecomeOneHotGroupsOverTheirPublicLevelsAndDecodeBackToLevelIndices()
    {
        var encoding = VisibleEncoding.Create(["sex", "ecog", "smoker"], "categorical", "sex=female|male; ecog=0|1|2|3");
        Assert.Equal(VisibleKind.Categorical, encoding.Kind);
        Assert.Equal([2, 4, 2], encoding.Groups);
        var rows = encoding.Rows(Patients);
        // "0.0" is level "0" (the same number); smoker takes the default levels 0|1.
        Assert.Equal([0.0, 1, 0, 1, 0, 0, 1, 0], rows[0]);
        Assert.Equal([1.0, 0, 1, 0, 0, 0, 0, 1], rows[1]);
        Assert.Equal([1.0, 2, 1], encoding.Decode(rows[2]));
        Assert.Equal("male", encoding.Format(0, 1));
        Assert.Equal("2", encoding.Format(1, 2));
    }

    [Fact]
    public void ACellOutsideItsLevelsStopsTheSessionNamingTheColumnPubliclyAndFileRowAndValueInTheDetail()
    {
        var encoding = VisibleEncoding.Create(["sex", "ecog"], "categorical", "sex=female|male; ecog=0|1");
        var error = Assert.Throws<Mpc.Core.DataProblemException>(() => encoding.Rows(Patients));
        Assert.Equal("column 'ecog' holds a value that is not one of the levels given.", error.Message);
        Assert.Equal("site-a.csv, row 4, column 'ecog': '2' is not one of the levels 0,1.", error.Detail);
        var missing = CsvTable.Parse(new StringReader("sex\nmale\nNA\n"), "site-b.csv");
        error = Assert.Throws<Mpc.Core.DataProblemException>(() => VisibleEncoding.Create(["sex"], "categorical", "sex=female|male").Rows(missing));
        Assert.Equal("column 'sex': a categorical visible unit needs a value in every row.", error.Message);
        Assert.Equal("site-b.csv, row 3, column 'sex': a categorical visible unit needs a value, got a missing one.", error.Detail);
        error = Assert.Throws<Mpc.Core.DataProblemException>(() => VisibleEncoding.Create(["ecog"], "bernoulli", "").Rows(Patients));
        Assert.Equal("column 'ecog': a Bernoulli visible unit must be 0 or 1 in every row.", error.Message);
        Assert.Equal("site-a.csv, row 4, column 'ecog': a Bernoulli visible unit must be 0 or 1, got 2.", error.Detail);
    }

    [Theory]
    [InlineData("bernoulli", "sex=f|m", "levels are for visible=categorical; visible=bernoulli was given.")]
    [InlineData("categorical", "age=1|2", "levels: 'age' is not one of the columns (sex, ecog).")]
    [InlineData("categorical", "sex=f", "levels: column 'sex' needs at least two non-empty levels, separated by '|'.")]
    [InlineData("categorical", "sex=f|f", "levels: column 'sex' lists level 'f' twice.")]
    [InlineData("categorical", "sex f|m", "levels: 'sex f|m' is not of the form column=level|level|...")]
    [InlineData("softmax", "", "visible=softmax is not a visible type: use bernoulli, binomial, gaussian or categorical.")]
    public void BadLevelsAreRefusedSayingWhatIsWrong(string visible, string levels, string message)
    {
        var error = Assert.Throws<Mpc.Core.ParameterProblemException>(() => VisibleEncoding.Create(["sex", "ecog"], visible, levels));
        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void AConditionClampsWholeCategoricalGroupsAndSingleUnitsOtherwise()
    {
        var categorical = VisibleEncoding.Create(["sex", "ecog"], "categorical", "sex=female|male; ecog=0|1|2");
        var clamp = categorical.Clamp("ecog=2");
        Assert.True(double.IsNaN(clamp[0]) && double.IsNaN(clamp[1]));
        Assert.Equal([0.0, 0, 1], clamp[2..]);
        Assert.Equal("condition: '4' is not one of the levels of 'ecog' (0, 1, 2).", Assert.Throws<Mpc.Core.ParameterProblemException>(() => categorical.Clamp("ecog=4")).Message);
        var binary = VisibleEncoding.Create(["a", "b"], "bernoulli", "");
        Assert.Equal(1.0, binary.Clamp(" b = 1 ")[1]);
        Assert.Equal("condition: column 'a' is Bernoulli; fix it at 0 or 1, not 0.5.", Assert.Throws<Mpc.Core.ParameterProblemException>(() => binary.Clamp("a=0.5")).Message);
        Assert.Equal("condition: 'c' is not one of the columns (a, b).", Assert.Throws<Mpc.Core.ParameterProblemException>(() => binary.Clamp("c=1")).Message);
        Assert.Equal("condition: column 'a' is fixed twice.", Assert.Throws<Mpc.Core.ParameterProblemException>(() => binary.Clamp("a=1;a=0")).Message);
    }
}
