using System.CommandLine;
using Mpc.Scripting;

namespace Mpc.Cli.Commands;

/// <summary>`mpc api`: the script API reference, generated from the code (docs/script-api.md is its output).</summary>
internal static class ApiCommand
{
    public static Command Create()
    {
        var output = new Option<string?>("--out") { Description = "Write the reference to this file (such as docs/script-api.md) instead of standard output." };
        var command = new Command("api", "Print the protocol script API reference (Markdown): every member a script may use, its signature, what it does and an example.") { output };
        command.SetAction(parse =>
        {
            string reference = ScriptApiReference.Markdown();
            if (parse.GetValue(output) is { } path) File.WriteAllText(path, reference);
            else Console.Out.Write(reference);
            return 0;
        });
        return command;
    }
}
