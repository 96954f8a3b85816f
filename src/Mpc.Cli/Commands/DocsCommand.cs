using System.CommandLine;

namespace Mpc.Cli.Commands;

/// <summary>`mpc docs protocols`: the protocol scripts' parameter and output tables (protocols/README.md holds them between markers).</summary>
internal static class DocsCommand
{
    public static Command Create()
    {
        var folder = new Option<string>("--dir") { Description = "The folder of protocol scripts (.csx) to describe.", DefaultValueFactory = _ => "protocols" };
        var output = new Option<string?>("--out")
        {
            Description = "Replace the generated block of this Markdown file (such as protocols/README.md), between its markers, instead of printing it; the text around the block stays as written.",
        };
        var protocols = new Command("protocols", "Print the parameter and output tables of the protocol scripts in a folder (Markdown), read from each script's declarations.") { folder, output };
        protocols.SetAction(parse =>
        {
            string generated = ProtocolTables.Markdown(parse.GetValue(folder)!);
            if (parse.GetValue(output) is not { } path)
            {
                Console.Out.Write(generated);
                return ExitCode.Ok;
            }
            if (!File.Exists(path)) throw new CliException(CliMessages.NoDocument(path), ExitCode.Configuration);
            File.WriteAllText(path, ProtocolTables.Splice(File.ReadAllText(path), generated, path));
            return ExitCode.Ok;
        });
        return new Command("docs", "Regenerate documentation that is read from the code.") { protocols };
    }
}
