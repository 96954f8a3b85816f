using System.CommandLine;
using Mpc.Net;

namespace Mpc.Cli.Commands;

internal static class KeygenCommand
{
    public static Command Create()
    {
        var name = new Option<string>("--name") { Description = "The party's or analyst's roster name.", Required = true };
        var output = new Option<string>("--out") { Description = "Folder for NAME.key (private, mode 0600) and NAME.crt.", Required = true };
        var roster = new Option<string?>("--roster") { Description = "Also set NAME's publicKey in this roster file." };
        var force = new Option<bool>("--force") { Description = "Replace an existing NAME.key and NAME.crt (the roster must then list the new key)." };
        var command = new Command("keygen", "Create a key pair and self-signed certificate for a party or analyst; refuses to overwrite a key unless --force.") { name, output, roster, force };
        command.SetAction(parse =>
        {
            string directory = parse.GetValue(output)!;
            string keyPath = Path.Combine(directory, parse.GetValue(name)! + ".key");
            if (File.Exists(keyPath))
            {
                if (!parse.GetValue(force)) throw new CliException(CliMessages.KeyExists(keyPath), ExitCode.Refused);
                File.Delete(keyPath);
                File.Delete(Path.ChangeExtension(keyPath, ".crt"));
            }
            using var credentials = PartyCredentials.Generate(parse.GetValue(name)!);
            var (certificate, key) = credentials.Save(directory);
            Console.WriteLine($"private key  {key} (owner-only; never share it)");
            Console.WriteLine($"certificate  {certificate}");
            Console.WriteLine($"publicKey    {credentials.Fingerprint}");
            if (parse.GetValue(roster) is { } rosterPath)
            {
                Roster.SetPublicKey(rosterPath, credentials.Name, credentials.Fingerprint);
                Console.WriteLine($"updated {rosterPath}: {credentials.Name} now has this key");
            }
            return 0;
        });
        return command;
    }
}
