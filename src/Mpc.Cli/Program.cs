using System.CommandLine;
using Mpc.Cli.Demo;

var root = new RootCommand("mpc: secure multi-party computation for federated health data.");

var outOption = new Option<string>("--out") { Description = "Folder for results and plots.", DefaultValueFactory = _ => "demo-output" };
var partiesOption = new Option<int>("--parties") { Description = "Number of parties the example data is split across (2 to 20).", DefaultValueFactory = _ => 3 };
var dataOption = new Option<string>("--data")
{
    Description = "CSV with columns time, status, sex, age (the example lung cohort by default).",
    DefaultValueFactory = _ => Path.Combine(AppContext.BaseDirectory, "examples", "data", "lung.csv"),
};
var demo = new Command("demo", "Run the pooled-statistics demo on the example data and write results and plots.");
demo.Options.Add(outOption);
demo.Options.Add(partiesOption);
demo.Options.Add(dataOption);
demo.SetAction(async (parseResult, cancellationToken) =>
{
    int parties = parseResult.GetValue(partiesOption);
    if (parties is < 2 or > 20)
    {
        Console.Error.WriteLine($"error: --parties must be between 2 and 20, got {parties}.");
        return 2;
    }
    try
    {
        return await PooledStatisticsDemo.RunAsync(parseResult.GetValue(dataOption)!, parties, parseResult.GetValue(outOption)!, Console.Out, cancellationToken);
    }
    catch (Mpc.Data.DataFormatException e)
    {
        Console.Error.WriteLine($"error: {e.Message}");
        return 2;
    }
});
root.Subcommands.Add(demo);

return await root.Parse(args).InvokeAsync();
